"""The command palette: what makes sense on the screen in front of the cashier, plus the modes."""

from __future__ import annotations

from functools import partial

from textual.actions import parse
from textual.command import DiscoveryHit, Hit, Hits, Provider


class ScreenCommands(Provider):
    def _commands(self) -> list[tuple[str, str, str]]:
        commands: list[tuple[str, str, str]] = []
        screen = self.screen
        base = getattr(screen, "palette_commands", None)
        if base is not None:
            commands += base()
        app = self.app
        if getattr(app, "user", None) is not None:
            commands += [
                ("Go to Bucket", "Checkout (F1)", "app.mode('bucket')"),
                ("Go to Warehouse", "Stock and products (F2)", "app.mode('warehouse')"),
                ("Go to Daybook", "Money movements (F3)", "app.mode('daybook')"),
                ("Go to Reports", "Sales, items, stock and staff reports with charts (F4)", "app.mode('reports')"),
                ("Go to Audit", "Overrides, voids, logins and other sensitive events (Ctrl+Y)", "app.mode('audit')"),
                ("Go to Customers", "Find, add, edit, merge, export or forget customers (Ctrl+Z)",
                 "app.mode('customers')"),
                ("Lock the till", "Back to the login screen (F10)", "app.lock"),
            ]
        commands += [
            ("Toggle light/dark", "Switch between the midnight and daylight themes", "app.toggle_theme"),
            ("Keys", "Every key the till knows (F11)", "app.help"),
        ]
        return [command for command in commands if self._offered(command[2])]

    def _offered(self, action: str) -> bool:
        """Only what would run here and now: not a mode the role may not see, nor a write on a read-only seat."""
        namespace, name, parameters = parse(action)
        target = self.app if namespace == "app" else self.screen
        return bool(target.check_action(name, parameters))

    async def _run(self, action: str) -> None:
        await self.app.run_action(action, self.screen)

    async def discover(self) -> Hits:
        for title, help_text, action in self._commands():
            yield DiscoveryHit(title, partial(self._run, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self._run, action), help=help_text)
