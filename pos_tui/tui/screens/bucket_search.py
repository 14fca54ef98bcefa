"""The bucket's search as you type: letters in the scan field search the whole catalogue in a worker
(latest query wins), at most one page of hits shows, Enter takes the highlighted one; variants and
weighed items ask which one / how much.

A mixin of `BucketScreen` (it uses the screen's session, status line, ``add_line`` and ``reject``).
"""

from __future__ import annotations

from textual import work
from textual.widgets import Input

from pos_tui.domain.errors import PosError
from pos_tui.domain.scan import parse_quantity
from pos_tui.services.catalog import products
from pos_tui.services.catalog.products import SearchHit
from pos_tui.tui.dialogs.choose import ChooseDialog
from pos_tui.tui.dialogs.form import Field, FormDialog
from pos_tui.tui.messages import ActionFailed, SearchResults
from pos_tui.tui.widgets.cart_table import CartTable
from pos_tui.tui.widgets.results_table import ResultsTable

SEARCH_LIMIT = 50  # one page of hits: painting them must fit in the frame after the key's


class SearchAsYouType:
    """Mixed into `BucketScreen`."""

    searching = False

    @work(thread=True, exclusive=True, exit_on_error=False, group="search")
    def run_search(self, text: str) -> None:
        try:
            hits = products.search_products(self.session, text, limit=SEARCH_LIMIT)
        except PosError as error:
            self.post_message(ActionFailed("search", str(error)))
            return
        self.post_message(SearchResults(text, hits))

    def on_search_results(self, message: SearchResults) -> None:
        if not self.searching or message.query != self.query_one("#scan", Input).value.strip():
            return  # an older query (the latest one wins), or one a scan or Esc has closed
        self.query_one(ResultsTable).show_hits(message.query, message.hits, self.session.currency)
        self.show_results(True)
        if not message.hits:
            self.say(f"Nothing matches {message.query!r}.", "warning")
        else:
            more = "+" if len(message.hits) == SEARCH_LIMIT else ""
            self.say(f"{len(message.hits)}{more} found. ↑↓ choose, Enter adds, Esc clears.")

    def show_results(self, shown: bool) -> None:
        self.searching = shown
        results = self.query_one(ResultsTable)
        results.display = shown
        self.query_one(CartTable).display = not shown
        if not shown:
            results.forget()

    def take_hit(self, hit: SearchHit) -> None:
        if hit.group:
            variants = products.variants_of(self.session, hit.group)
            if len(variants) > 1:
                money = self.session.currency
                options = [(str(p.product_id), f"{p.display_name}  {money.format(p.price)}") for p in variants]
                self.app.push_screen(ChooseDialog(f"Which {hit.group}?", options), self._variant_chosen)
                return
        self.take_product(hit.product_id)

    def _variant_chosen(self, product_id: str | None) -> None:
        if product_id is not None:
            self.take_product(int(product_id))

    def take_product(self, product_id: int) -> None:
        product = products.get_product(self.session, product_id)
        if product.unit == "each":
            self.add_line(products.line_for(product, 1000))
            return

        def weighed(answer: dict[str, str] | None) -> None:
            if answer:
                try:
                    self.add_line(products.line_for(product, parse_quantity(answer["qty"])))
                except PosError as error:
                    self.reject(product.sku, str(error))

        cart = self.cart
        self.app.push_screen(FormDialog(f"{product.display_name}", [Field("qty", f"Quantity ({product.unit})")],
                                        act=lambda a: cart.add(products.line_for(product, parse_quantity(a["qty"])))),
                             weighed)  # ``act`` checks the quantity: a refused one stays in the form

