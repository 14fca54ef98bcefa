"""A generated catalogue for demo stores: what a Pakistani general store with a kitchen might stock.

Pure and deterministic: the same seed and size give the same products, in the same order, with
the same ids. Piece items carry an EAN-13 (some a second one, some a GTIN-14 pack barcode for a
6- or 12-pack), weighed items an in-store code (prefix 21 + 5 item digits, the default scale
layout "21IIIIIWWWWWK"), apparel comes in S/M/L and kitchen dishes as half/full plates.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from pos_tui.domain.events import BarcodeSpec, ProductDetails

WEIGHED_PREFIX = "21"
MAX_WEIGHED = 99_999  # five item digits
PACK_SIZES = (6000, 12000)

# Kinds of product, as the trading simulation needs to know them (one byte per product).
PIECE, WEIGHED, PACKED = 1, 2, 3


@dataclass(frozen=True)
class Category:
    name: str
    code: str
    tax_class: str
    kind: str  # "each", "weighed", "apparel", "portion"
    brands: tuple[str, ...]
    items: tuple[str, ...]
    sizes: tuple[str, ...]
    price_range: tuple[int, int]  # whole rupees (per kg for weighed goods)
    weight: int  # how often the category comes up
    packs: bool = False


CATEGORIES: tuple[Category, ...] = (
    Category("Tea & Coffee", "TEA", "std", "each", ("Tapal", "Lipton", "Vital", "Brooke Bond", "Nescafe", "Supreme"),
             ("Danedar Tea", "Green Tea", "Black Tea", "Instant Coffee", "Chai Mix", "Kahwa"),
             ("95g", "190g", "450g", "900g"), (120, 2600), 8, packs=True),
    Category("Dairy", "DAI", "reduced", "each", ("Olpers", "Nestle", "Haleeb", "Nurpur", "Dayfresh", "Adams"),
             ("Milk", "Yogurt", "Butter", "Cheese Slices", "Cream", "Lassi", "Raita"),
             ("250ml", "500ml", "1L", "1.5L"), (60, 1400), 9, packs=True),
    Category("Beverages", "BEV", "std", "each", ("Pepsi", "Coca-Cola", "Shezan", "Murree", "Nestle", "Fanta"),
             ("Cola", "Lemon Soda", "Mango Juice", "Mineral Water", "Apple Nectar", "Energy Drink"),
             ("250ml", "500ml", "1L", "1.5L", "2.25L"), (40, 450), 10, packs=True),
    Category("Snacks", "SNK", "std", "each", ("Lays", "Kurkure", "Peek Freans", "LU", "Candyland", "Cadbury"),
             ("Chips Masala", "Chips Salted", "Sooper Biscuits", "Cake Rusk", "Chocolate Bar", "Nimko Mix"),
             ("30g", "60g", "120g", "Family Pack"), (20, 900), 12, packs=True),
    Category("Personal Care", "PRC", "std", "each", ("Lux", "Safeguard", "Sunsilk", "Colgate", "Dove", "Pantene"),
             ("Soap", "Shampoo", "Toothpaste", "Face Wash", "Body Lotion", "Conditioner"),
             ("75g", "150ml", "360ml", "650ml"), (90, 1800), 9),
    Category("Household", "HSH", "std", "each", ("Surf Excel", "Ariel", "Vim", "Harpic", "Dettol", "Max"),
             ("Detergent", "Dishwash Bar", "Toilet Cleaner", "Floor Cleaner", "Bleach", "Glass Cleaner"),
             ("500g", "1kg", "2kg", "500ml", "1L"), (80, 2200), 8, packs=True),
    Category("Spices", "SPC", "reduced", "each", ("Shan", "National", "Mehran", "Ahmed"),
             ("Biryani Masala", "Karahi Masala", "Red Chilli Powder", "Turmeric", "Garam Masala", "Salt"),
             ("50g", "100g", "200g", "400g"), (60, 650), 7),
    Category("Bakery", "BAK", "reduced", "each", ("Dawn", "Bake Parlor", "Mr Cod", "Hilal"),
             ("Bread", "Bun", "Rusk", "Pound Cake", "Cookies", "Croissant"),
             ("Small", "Large", "Family"), (50, 1200), 5),
    Category("Stationery", "STN", "exempt", "each", ("Dollar", "Piano", "Oxford", "Pelikan"),
             ("Notebook", "Ball Pen", "Pencil Box", "Register", "Marker", "Geometry Box"),
             ("Single", "Pack of 5", "Pack of 10"), (30, 1500), 4),
    Category("Grocery", "GRO", "exempt", "weighed", ("Guard", "Falak", "Kernel", "Local Mill"),
             ("Basmati Rice", "Sella Rice", "Daal Masoor", "Daal Chana", "Sugar", "Chakki Atta", "Besan", "Chana"),
             ("Loose",), (120, 900), 4),
    Category("Produce", "PRD", "exempt", "weighed", ("Sabzi Mandi", "Fresh Farms", "Hunza Valley"),
             ("Tomatoes", "Onions", "Potatoes", "Apples", "Bananas", "Mangoes", "Oranges", "Garlic", "Ginger"),
             ("Loose",), (60, 800), 4),
    Category("Butchery", "MEA", "reduced", "weighed", ("K&N's", "Sabroso", "Local Butcher"),
             ("Chicken Breast", "Chicken Thigh", "Mutton", "Beef Mince", "Beef Boneless", "Fish Fillet"),
             ("Fresh",), (600, 3200), 2),
    Category("Clothing", "CLO", "std", "apparel", ("Khaadi", "Bonanza", "Outfitters", "Gul Ahmed", "Local"),
             ("T-Shirt", "Polo Shirt", "Kurta", "Hoodie", "Jeans", "Shalwar Kameez"),
             ("Black", "White", "Navy", "Maroon", "Olive", "Grey"), (800, 7000), 6),
    Category("Kitchen", "KIT", "std", "portion", ("Kitchen",),
             ("Chicken Biryani", "Beef Pulao", "Chicken Karahi", "Daal Chawal", "Haleem", "Nihari", "Chana Chaat"),
             ("Plate",), (250, 1800), 3),
)

QUALIFIERS = ("Classic", "Premium", "Family", "Lite", "Extra", "Gold", "Original", "Special", "Value", "Fresh",
              "Organic", "Super", "Royal", "Select", "Deluxe", "Mini", "Max", "Plus", "Mint", "Lemon", "Rose",
              "Saffron", "Cardamom", "Mango", "Strawberry", "Vanilla", "Chocolate", "Honey", "Almond", "Coconut",
              "Herbal", "Neem", "Jasmine", "Orange", "Peach", "Karachi", "Lahore", "Peshawari", "Desi", "Smart")
APPAREL_SIZES = ("S", "M", "L")
PORTIONS = (("Half", 55), ("Full", 100))


def _check_digit(body: str) -> str:
    """``gtin_check_digit`` for digits we generated ourselves (no validation: this runs millions of times)."""
    total = 3 * sum(map(int, body[-1::-2])) + sum(map(int, body[-2::-2]))
    return str(-total % 10)


def ean13(body12: str) -> str:
    return body12 + _check_digit(body12)


def product_ean(product_id: int) -> str:
    """The EAN-13 each piece item carries (GS1 Pakistan prefix 896)."""
    return ean13(f"896{product_id:09d}")


def pack_gtin(product_id: int) -> str:
    """The GTIN-14 of a pack of this item: indicator digit 1 before the item's EAN without its check digit."""
    body = "1" + product_ean(product_id)[:-1]
    return body + _check_digit(body)


def weighed_code(item: int) -> str:
    """The catalogue key of a weighed item: the in-store prefix and its five item digits."""
    return f"{WEIGHED_PREFIX}{item:05d}"


@dataclass(frozen=True)
class DemoProduct:
    product_id: int
    details: ProductDetails
    kind: int  # PIECE, WEIGHED or PACKED
    weighed_item: int  # 0 unless weighed


def _price(rng: random.Random, low: int, high: int) -> int:
    """A shelf price in paisa that ends the way shelf prices do (whole rupees, often 5 or 9)."""
    rupees = rng.randrange(low, high + 1)
    if rupees >= 100:
        rupees = rupees - rupees % 5 + rng.choice((0, 0, 4, 5))
    return rupees * 100


def _cost(rng: random.Random, price: int) -> int:
    return price * rng.randrange(62, 86) // 100


def generate_catalog(count: int, seed: int) -> Iterator[DemoProduct]:
    """``count`` products with ids 1..count, in id order."""
    rng = random.Random(f"pos-demo-catalog-{seed}")
    weights = [c.weight for c in CATEGORIES]
    piece_categories = [c for c in CATEGORIES if c.kind == "each"]
    next_id, weighed = 1, 0
    while next_id <= count:
        category = rng.choices(CATEGORIES, weights)[0]
        if category.kind == "weighed" and weighed >= MAX_WEIGHED:
            category = rng.choice(piece_categories)
        brand, item = rng.choice(category.brands), rng.choice(category.items)
        size = rng.choice(category.sizes)
        if category.kind == "weighed":
            weighed += 1
            price = _price(rng, *category.price_range)
            name = f"{brand} {item}{rng.choice(('', '', ' Premium', ' Select', ' Grade A'))}"
            details = ProductDetails(
                f"{category.code}-{next_id:07d}", name, category.name, brand, "kg", price, _cost(rng, price),
                category.tax_class, 5000, barcodes=(BarcodeSpec(weighed_code(weighed)),),
            )
            yield DemoProduct(next_id, details, WEIGHED, weighed)
            next_id += 1
            continue
        if category.kind == "portion":
            name = f"{item} {rng.choice(QUALIFIERS)}"
        else:
            name = f"{brand} {item} {rng.choice(QUALIFIERS)} {size}"
        if category.kind in ("apparel", "portion"):
            yield from _variants(rng, category, brand, name, next_id, count)
            next_id += len(APPAREL_SIZES) if category.kind == "apparel" else len(PORTIONS)
            continue
        price = _price(rng, *category.price_range)
        barcodes = [BarcodeSpec(product_ean(next_id))]
        if rng.random() < 0.15:  # a second label, e.g. the importer's
            barcodes.append(BarcodeSpec(ean13(f"5{next_id:011d}")))
        kind = PIECE
        if category.packs and rng.random() < 0.3:
            barcodes.append(BarcodeSpec(pack_gtin(next_id), rng.choice(PACK_SIZES)))
            kind = PACKED
        details = ProductDetails(
            f"{category.code}-{next_id:07d}", name, category.name, brand, "each", price, _cost(rng, price),
            category.tax_class, rng.choice((6000, 12000, 24000)), barcodes=tuple(barcodes),
        )
        yield DemoProduct(next_id, details, kind, 0)
        next_id += 1


def _variants(
    rng: random.Random, category: Category, brand: str, name: str, first_id: int, count: int
) -> Iterator[DemoProduct]:
    """S/M/L of a garment or half/full plates of a dish: one group, one product per variant."""
    base = _price(rng, *category.price_range)
    group = f"{category.code}-{first_id:07d}"
    if category.kind == "apparel":
        variants = [(size, base + (base // 10 if size == "L" else 0)) for size in APPAREL_SIZES]
    else:
        variants = [(label, base * share // 100 // 100 * 100) for label, share in PORTIONS]
    for offset, (variant, price) in enumerate(variants):
        product_id = first_id + offset
        if product_id > count:
            return
        details = ProductDetails(
            f"{category.code}-{product_id:07d}", name, category.name, brand, "each", price, _cost(rng, price),
            category.tax_class,
            0 if category.kind == "portion" else 3000, group=group, variant=variant,
            barcodes=(BarcodeSpec(product_ean(product_id)),),
        )
        yield DemoProduct(product_id, details, PIECE, 0)
