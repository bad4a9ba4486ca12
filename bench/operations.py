"""The GraphQL documents the benchmark sends, as an app would: one place for the load
generator, the single-user measurements and the profiles."""

NEAR_ME = """query NearMe($near: PointInput!) {
  restaurants(first: 20, filter: {near: $near, openNow: true}) {
    totalCount
    edges { node { id name distanceKm estimatedDeliveryMinutes deliveryFee { amount currency } } }
  }
}"""

SEARCH = """query Search($search: String!) {
  restaurants(first: 20, filter: {search: $search}) {
    totalCount
    edges { node { id name cuisine deliveryFee { amount currency } } }
  }
}"""

MENU = """query Menu($slug: String!) {
  restaurant(slug: $slug) {
    id name
    menu { id name items {
      id name description price { amount currency } isAvailable dietaryTags
      optionGroups { id name minSelected maxSelected
        options { id name priceDelta { amount currency } isAvailable } } } }
  }
}"""

ME = """query Me { me { id email fullName role addresses { id label line1 city } } }"""

MY_ORDERS = """query MyOrders($first: Int!) {
  myOrders(first: $first) {
    totalCount
    edges { node { id number status total { amount currency } createdAt
      restaurant { name } items { name quantity } } }
  }
}"""

ORDER = """query Order($id: ID!) {
  order(id: $id) {
    id number status total { amount currency } placedAt estimatedDeliveryAt
    items { name quantity unitPrice { amount } options { name } }
    events { fromStatus toStatus createdAt }
  }
}"""

PLACE_ORDER = """mutation PlaceOrder($input: PlaceOrderInput!) {
  placeOrder(input: $input) { order { id status total { amount } } errors { code message } }
}"""

ACCEPT_ORDER = """mutation AcceptOrder($input: AcceptOrderInput!) {
  acceptOrder(input: $input) { order { id status } errors { code message } }
}"""
