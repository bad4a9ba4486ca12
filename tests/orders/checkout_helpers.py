"""A small menu and the GraphQL checkout document, shared by the checkout tests."""

import base64
from dataclasses import dataclass

from tests.factories import (
    AddressFactory,
    CustomerFactory,
    MenuItemFactory,
    OpenAroundTheClockRestaurantFactory,
    OptionFactory,
    OptionGroupFactory,
)

PLACE_ORDER = """
mutation Place($input: PlaceOrderInput!) {
  placeOrder(input: $input) {
    order {
      id number status
      subtotal { amount currency } deliveryFee { amount } tip { amount } total { amount }
      items { name quantity note unitPrice { amount } lineTotal { amount }
              options { group name priceDelta { amount } } }
      deliveryAddress { line1 city postalCode }
      events { fromStatus toStatus actorRole }
    }
    payment { status clientSecret }
    errors { code field message }
  }
}
"""


def global_id(type_name: str, key) -> str:
    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


@dataclass
class Menu:
    restaurant: object
    customer: object
    address: object
    soup: object  # 450, no options
    pizza: object  # 1200, size (exactly one): small +0 / large +300; extras (0-2): olives +100
    small: object
    large: object
    olives: object
    anchovies: object


def a_menu(**restaurant_fields) -> Menu:
    restaurant = OpenAroundTheClockRestaurantFactory(
        **{"delivery_fee": 250, "minimum_order": 1000, **restaurant_fields}
    )
    customer = CustomerFactory()
    address = AddressFactory(user=customer, line1="Rua Augusta 10")
    soup = MenuItemFactory(category__restaurant=restaurant, name="Caldo verde", price=450)
    pizza = MenuItemFactory(category=soup.category, name="Pizza", price=1200)
    size = OptionGroupFactory(item=pizza, name="Size", min_selected=1, max_selected=1, position=0)
    extras = OptionGroupFactory(
        item=pizza, name="Extras", min_selected=0, max_selected=2, position=1
    )
    return Menu(
        restaurant=restaurant,
        customer=customer,
        address=address,
        soup=soup,
        pizza=pizza,
        small=OptionFactory(group=size, name="Small", price_delta=0, position=0),
        large=OptionFactory(group=size, name="Large", price_delta=300, position=1),
        olives=OptionFactory(group=extras, name="Olives", price_delta=100, position=0),
        anchovies=OptionFactory(group=extras, name="Anchovies", price_delta=150, position=1),
    )


def line(item, quantity=1, options=(), note="") -> dict:
    return {
        "menuItemId": global_id("MenuItem", item.pk),
        "quantity": quantity,
        "optionIds": [global_id("Option", option.pk) for option in options],
        "note": note,
    }


def checkout_input(menu: Menu, items, *, key="checkout-key-0001", tip=0, payment_method_id=None):
    return {
        "restaurantId": global_id("Restaurant", menu.restaurant.pk),
        "deliveryAddressId": global_id("Address", menu.address.pk),
        "items": items,
        "tip": tip,
        "paymentMethodId": payment_method_id or "pm_card_visa",
        "idempotencyKey": key,
    }
