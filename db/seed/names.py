"""French names, EduConnect-style identifiers, fictional phone numbers and e-mail addresses."""

from __future__ import annotations

import random
import re
import unicodedata

# Children born in the 2010s (most given names of that generation in France).
GIRLS = [
    "Emma",
    "Jade",
    "Louise",
    "Alice",
    "Chloé",
    "Lina",
    "Léa",
    "Manon",
    "Rose",
    "Anna",
    "Inès",
    "Camille",
    "Lola",
    "Zoé",
    "Juliette",
    "Léna",
    "Ambre",
    "Mila",
    "Romane",
    "Lou",
    "Agathe",
    "Sarah",
    "Eva",
    "Nina",
    "Clara",
    "Margaux",
    "Lucie",
    "Océane",
    "Maëlys",
    "Yasmine",
    "Héloïse",
    "Élise",
    "Capucine",
    "Salomé",
    "Mathilde",
    "Jeanne",
    "Louna",
    "Elsa",
    "Charlotte",
    "Victoire",
    "Apolline",
    "Noémie",
    "Axelle",
    "Nour",
]
BOYS = [
    "Gabriel",
    "Léo",
    "Raphaël",
    "Louis",
    "Jules",
    "Arthur",
    "Adam",
    "Lucas",
    "Hugo",
    "Nathan",
    "Maël",
    "Noah",
    "Tom",
    "Sacha",
    "Ethan",
    "Paul",
    "Nolan",
    "Timéo",
    "Mathis",
    "Enzo",
    "Théo",
    "Liam",
    "Aaron",
    "Axel",
    "Mohamed",
    "Yanis",
    "Baptiste",
    "Clément",
    "Valentin",
    "Antoine",
    "Gaspard",
    "Victor",
    "Rayan",
    "Évan",
    "Martin",
    "Robin",
    "Eliott",
    "Marius",
    "Simon",
    "Naël",
    "Kylian",
    "Malo",
    "Côme",
    "Samuel",
]
# Parents and teachers, born between the 1970s and the 1990s.
WOMEN = [
    "Aurélie",
    "Céline",
    "Émilie",
    "Julie",
    "Stéphanie",
    "Sandrine",
    "Caroline",
    "Virginie",
    "Élodie",
    "Nathalie",
    "Sophie",
    "Delphine",
    "Audrey",
    "Laetitia",
    "Marie",
    "Claire",
    "Anne",
    "Amandine",
    "Karine",
    "Mélanie",
    "Vanessa",
    "Isabelle",
    "Laure",
    "Estelle",
    "Fatima",
    "Nadia",
    "Sabrina",
    "Valérie",
    "Cécile",
    "Magali",
    "Séverine",
    "Anaïs",
    "Pauline",
    "Charlotte",
    "Élise",
    "Jennifer",
    "Gaëlle",
    "Myriam",
    "Agnès",
]
MEN = [
    "Nicolas",
    "Julien",
    "Sébastien",
    "Guillaume",
    "Thomas",
    "Mathieu",
    "Jérôme",
    "Christophe",
    "David",
    "Stéphane",
    "Cédric",
    "Frédéric",
    "Olivier",
    "Vincent",
    "Laurent",
    "Romain",
    "Anthony",
    "Fabien",
    "Benoît",
    "Grégory",
    "Karim",
    "Mehdi",
    "Yann",
    "Ludovic",
    "Arnaud",
    "Damien",
    "Xavier",
    "Franck",
    "Pierre",
    "Alexandre",
    "Emmanuel",
    "Jean-François",
    "François",
    "Éric",
    "Samir",
    "Thierry",
    "Loïc",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefebvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Sanchez",
    "Gérard",
    "Nguyen",
    "Boyer",
    "Denis",
    "Lemaire",
    "Duval",
    "Joly",
    "Gautier",
    "Roger",
    "Roche",
    "Roy",
    "Noël",
    "Meyer",
    "Lucas",
    "Meunier",
    "Pérez",
    "Marchand",
    "Dufour",
    "Blanchard",
    "Barbier",
    "Brun",
    "Dumas",
    "Brunet",
    "Schmitt",
    "Leroux",
    "Colin",
    "Fernandez",
    "Renard",
    "Arnaud",
    "Rolland",
    "Caron",
    "Aubert",
    "Giraud",
    "Leclerc",
    "Vidal",
    "Bourgeois",
    "Renaud",
    "Lemoine",
    "Picard",
    "Gaillard",
    "Lacroix",
    "Fabre",
    "Dupuis",
    "Olivier",
    "Rodriguez",
    "Da Silva",
    "Hubert",
    "Guillot",
    "Rivière",
    "Le Gall",
    "Moulin",
    "Berger",
    "Lecomte",
    "Ménard",
    "Fleury",
    "Deschamps",
    "Carpentier",
    "Maillard",
    "Aubry",
    "Renault",
    "Jacquet",
    "Prévost",
    "Poirier",
    "Charpentier",
    "Royer",
    "Huet",
    "Baron",
    "Dupuy",
    "Carré",
    "Breton",
    "Rémy",
    "Perrot",
    "Guyot",
    "Marty",
    "Cousin",
    "Benali",
    "Diallo",
    "N'Diaye",
    "Haddad",
    "Bouchet",
    "Texier",
    "Chauvin",
    "Boutin",
    "Pineau",
    "Jaud",
    "Sauzeau",
]

# Academy of Poitiers: where the benchmark schools are, and what they are named after.
CITIES = [
    "Poitiers",
    "La Rochelle",
    "Angoulême",
    "Niort",
    "Châtellerault",
    "Saintes",
    "Cognac",
    "Rochefort",
    "Bressuire",
    "Parthenay",
    "Royan",
    "Thouars",
    "Loudun",
    "Montmorillon",
    "Jonzac",
    "Melle",
]
SCHOOL_PATRONS = [
    "Jean Moulin",
    "Victor Hugo",
    "Jules Ferry",
    "Marie Curie",
    "Louise Michel",
    "Jean Jaurès",
    "Albert Camus",
    "Simone Veil",
    "Pierre Mendès France",
    "Jacques Prévert",
    "Jean Rostand",
    "Romain Rolland",
    "Paul Éluard",
    "René Descartes",
    "George Sand",
    "Joachim du Bellay",
    "Agrippa d'Aubigné",
    "Ernest Pérochon",
]

_UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def uai(department: int, number: int) -> str:
    """A UAI (RNE) code: 3-digit department, 4 digits, and its check letter."""
    digits = f"{department:03d}{number:04d}"
    return digits + _UAI_LETTERS[int(digits) % 23]


def ascii_letters(text: str) -> str:
    """Lowercase ASCII letters only: accents dropped, spaces, hyphens and apostrophes removed."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if "a" <= char <= "z")


def identifier_base(first_name: str, last_name: str) -> str:
    """EduConnect style: "Hélène Lefèvre" -> "h.lefevre"."""
    return f"{ascii_letters(first_name)[:1]}.{ascii_letters(last_name)[:50]}"


IDENTIFIER_PATTERN = re.compile(r"^[a-z]\.[a-z]+(?:[2-9]|[1-9][0-9]+)?$")


class IdentifierAllocator:
    """Hands out identifiers, appending 2, 3… when one is already taken in the deployment."""

    def __init__(self, taken: set[str]):
        self.taken = set(taken)

    def allocate(self, first_name: str, last_name: str) -> str:
        base = identifier_base(first_name, last_name)
        candidate, number = base, 1
        while candidate in self.taken:
            number += 1
            candidate = f"{base}{number}"
        self.taken.add(candidate)
        return candidate


# ARCEP reserves 06 39 98 00 00 – 06 39 98 99 99 for fiction: these numbers never reach anyone.
_FICTION_MOBILE_PREFIX = "+3363998"


class PhoneBook:
    """Distinct fictional French mobile numbers, stored in E.164 ("+33639981234")."""

    def __init__(self, rng: random.Random):
        self._numbers = list(range(10_000))
        rng.shuffle(self._numbers)
        self._next = 0

    def take(self) -> str:
        number = self._numbers[self._next % len(self._numbers)]
        self._next += 1
        return f"{_FICTION_MOBILE_PREFIX}{number:04d}"


def display_phone(phone: str) -> str:
    """ "+33639981234" -> "06 39 98 12 34"."""
    national = "0" + phone.removeprefix("+33")
    return " ".join(national[i : i + 2] for i in range(0, len(national), 2))


# Reserved domains (RFC 2606 / RFC 6761): seeded addresses can never reach a real mailbox.
PARENT_MAIL_DOMAINS = ["example.com", "example.net", "example.org"]
STAFF_MAIL_DOMAIN = "ac-poitiers.example"


class MailBook:
    def __init__(self):
        self._taken: set[str] = set()

    def take(self, first_name: str, last_name: str, domain: str) -> str:
        local = f"{_mail_part(first_name)}.{_mail_part(last_name)}"
        candidate, number = f"{local}@{domain}", 1
        while candidate in self._taken:
            number += 1
            candidate = f"{local}{number}@{domain}"
        self._taken.add(candidate)
        return candidate


def _mail_part(name: str) -> str:
    text = name.lower().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(char if "a" <= char <= "z" else "-" if char in " -" else "" for char in decomposed)
    return kept.strip("-")
