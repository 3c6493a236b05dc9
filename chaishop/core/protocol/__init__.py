"""Every message between the kitchen and the front of house, and the barista events inside them."""
