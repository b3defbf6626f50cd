"""The words of a menu: courses, and the 14 allergens EU law requires a canteen to declare
(Regulation (EU) No 1169/2011, Annex II), with the names French canteens display."""

from __future__ import annotations

from typing import Literal

COURSES = {"starter": "Entrée", "main": "Plat", "dessert": "Dessert"}
ALLERGENS = {
    "gluten": "Céréales contenant du gluten",
    "crustaceans": "Crustacés",
    "eggs": "Œufs",
    "fish": "Poissons",
    "peanuts": "Arachides",
    "soybeans": "Soja",
    "milk": "Lait",
    "nuts": "Fruits à coque",
    "celery": "Céleri",
    "mustard": "Moutarde",
    "sesame": "Graines de sésame",
    "sulphites": "Anhydride sulfureux et sulfites",
    "lupin": "Lupin",
    "molluscs": "Mollusques",
}
Course = Literal["starter", "main", "dessert"]
Allergen = Literal[
    "gluten", "crustaceans", "eggs", "fish", "peanuts", "soybeans", "milk",
    "nuts", "celery", "mustard", "sesame", "sulphites", "lupin", "molluscs",
]  # fmt: skip
