"""The cockpit: the Textual app at the counter.

Textual paints at most 60 frames a second by default, so a scanned line waits up to 17 ms for its
frame after the frame that echoed the scan's last digit. A till paints little (one cart row, the
totals), so it may paint twice as often: set before Textual is first imported; the environment wins.
"""

import os

os.environ.setdefault("TEXTUAL_FPS", "120")
