"""Canteen menus: the vie scolaire publishes the week's lunches (`school.py`); everyone in the school
reads the published ones (`menus.py`), with the 14 regulated allergens and the vegetarian label."""
