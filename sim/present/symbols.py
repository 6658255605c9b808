"""Military symbols for the map's unit markers, drawn after APP-6 / MIL-STD-2525 (an equivalent of the
standard's frames and main icons, not a library): the frame's shape says the side (friend: rectangle,
circle or dome by land, sea or air; hostile: diamond; a third side: square) and the icon inside says the
unit's kind, read from its type's name (infantry, armour, mechanised, medical, transport, aircraft,
helicopter, ship). A kind not recognised gets the frame alone."""

from __future__ import annotations

from collections.abc import Iterable

FRAMES = {  # (affiliation, dimension) -> the frame's path, about 20 × 14 around the unit's point
    ("friend", "land"): "M-10,-7H10V7H-10Z",
    ("friend", "sea"): "M-8,0A8,8 0 1,0 8,0A8,8 0 1,0 -8,0Z",
    ("friend", "air"): "M-9,6V0A9,9 0 0,1 9,0V6Z",
    ("hostile", "land"): "M0,-10L10,0L0,10L-10,0Z",
    ("hostile", "sea"): "M0,-10L10,0L0,10L-10,0Z",
    ("hostile", "air"): "M-9,7V0L0,-9L9,0V7Z",
    ("neutral", "land"): "M-8,-8H8V8H-8Z",
    ("neutral", "sea"): "M-8,-8H8V8H-8Z",
    ("neutral", "air"): "M-8,7V-8H8V7Z",
}
ICONS = {  # the kind -> the icon's path inside the frame
    "infantry": "M-7,-5L7,5M-7,5L7,-5",
    "armour": "M-5,0A5,3 0 1,0 5,0A5,3 0 1,0 -5,0Z",
    "mechanised": "M-7,-5L7,5M-7,5L7,-5M-5,0A5,3 0 1,0 5,0A5,3 0 1,0 -5,0Z",
    "medical": "M0,-5V5M-5,0H5",
    "transport": "M-6,1H6M-4,4A1.3,1.3 0 1,0 -4,4.01M4,4A1.3,1.3 0 1,0 4,4.01",
    "fixed_wing": "M-7,0H7M0,-4V4M-3,3H3",
    "rotary": "M-6,-3L6,3V-3L-6,3Z",
    "ship": "M-6,-1H6L4,3H-4Z",
}
KINDS = (  # words in a type's name -> its kind (the first that matches)
    (("medevac", "medical", "hospital"), "medical"),
    (("helicopter",), "rotary"),
    (("aircraft", "fighter", "bomber", "drone"), "fixed_wing"),
    (("tank", "armour", "armor"), "armour"),
    (("ifv", "motor_rifle", "mechanised", "mechanized", "apc"), "mechanised"),
    (("infantry", "marine", "rifle", "fighters", "sf_team", "company"), "infantry"),
    (("truck", "transport", "supply", "convoy"), "transport"),
    (("ship", "boat", "ferry", "vessel"), "ship"),
)
AFFILIATIONS = ("friend", "hostile", "neutral")


def kind(type_name: str) -> str | None:
    name = type_name.lower()
    return next((k for words, k in KINDS if any(w in name for w in words)), None)


def dimension(modes: Iterable[str]) -> str:
    """Air if the type flies, sea if it only sails, else land (as sim.play.status says how a unit moves)."""
    modes = set(modes)
    return "air" if "air" in modes else "sea" if "sea" in modes and "land" not in modes else "land"


def symbol(type_name: str, modes: Iterable[str], side_index: int) -> dict[str, str]:
    """The frame's and icon's SVG paths and the affiliation (for the fill's colour) of a unit's symbol; the
    scenario's first side is the friend, the second the hostile, a third neutral."""
    affiliation = AFFILIATIONS[min(side_index, 2)]
    found = kind(type_name)
    return {
        "affiliation": affiliation,
        "frame": FRAMES[(affiliation, dimension(modes))],
        "icon": ICONS.get(found, "") if found is not None else "",
    }
