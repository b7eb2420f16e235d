"""Generated free-text comments for the sentiment and themes benchmark and tests.

Customer comments about the steps of a shopping journey, each from a topic, a stance and
a detail drawn with a fixed seed, with a few in German and French; the wording varies
enough that no two are alike at small sizes.
"""

from __future__ import annotations

import random

TOPICS: dict[str, tuple[list[str], list[str], list[str]]] = {
    "delivery": (
        [
            "The delivery arrived a day early",
            "Delivery was quick and the courier friendly",
            "My parcel came well packed and on time",
        ],
        [
            "The delivery was three days late",
            "My parcel never arrived and tracking was useless",
            "The courier left the box in the rain",
        ],
        [
            "with no notice",
            "again this month",
            "for the second order",
            "",
            "even with express shipping",
        ],
    ),
    "checkout": (
        [
            "Checkout was smooth and fast",
            "Paying took seconds",
            "The checkout was simple and clear",
        ],
        [
            "Checkout kept failing at the payment step",
            "The card payment was declined twice at checkout",
            "Checkout asked for my address three times",
        ],
        ["on my phone", "on the website", "with PayPal", "", "with a gift card"],
    ),
    "support": (
        [
            "Support answered within minutes and fixed it",
            "The support agent was kind and helpful",
            "Customer service sorted my refund the same day",
        ],
        [
            "Support never answered my emails",
            "I waited an hour on hold for customer service",
            "The support chat closed before anyone replied",
        ],
        ["about my refund", "about a broken item", "", "after three tries", "on the weekend"],
    ),
    "signup": (
        ["Signing up took a minute", "Creating the account was easy", "Registration was painless"],
        [
            "The sign up form lost everything I typed",
            "I never got the verification email to sign up",
            "Registration rejected my password without saying why",
        ],
        ["", "on the app", "twice", "on a laptop", "with my work address"],
    ),
    "prices": (
        [
            "Prices are fair for the quality",
            "Great value for money",
            "The discount code worked nicely",
        ],
        [
            "Prices went up again without warning",
            "Shipping costs are far too expensive",
            "The discount code did not work at all",
        ],
        ["", "this year", "compared to other shops", "for small orders", "on sale items"],
    ),
    "app": (
        [
            "The app is fast and looks great",
            "I love the new app design",
            "The app makes reordering easy",
        ],
        [
            "The app crashes every time I open my basket",
            "The app is slow and freezes on search",
            "The app logged me out on every update",
        ],
        ["on Android", "on my iPhone", "", "since the last update", "at night"],
    ),
}
NEUTRAL = [
    "I ordered a blue jacket",
    "Bought the same item as last time",
    "Ordered for my sister",
    "Second order this year",
    "I used the website",
]
FOREIGN = [
    "Die Lieferung war sehr spät und der Service hat nicht geantwortet",
    "Das ist nicht gut, ich bin mit der App nicht zufrieden",
    "La livraison est arrivée en retard et le service client ne répond pas",
    "Je suis très content de ma commande, merci",
]


def generate_comments(count: int, seed: int = 15, foreign_share: float = 0.02) -> list[str]:
    """`count` comments, about 60 % negative, 30 % positive, 10 % neutral."""
    return [text for text, _, _ in generate_labelled_comments(count, seed, foreign_share)]


def generate_labelled_comments(
    count: int, seed: int = 15, foreign_share: float = 0.02
) -> list[tuple[str, str, str]]:
    """(comment, topic, stance) triples; stance positive, negative, neutral or foreign."""
    rng = random.Random(seed)
    topics = list(TOPICS)
    out: list[tuple[str, str, str]] = []
    for number in range(count):
        if rng.random() < foreign_share:
            out.append((rng.choice(FOREIGN), "", "foreign"))
            continue
        topic = rng.choice(topics)
        positives, negatives, details = TOPICS[topic]
        draw = rng.random()
        if draw < 0.6:
            text, stance = rng.choice(negatives), "negative"
        elif draw < 0.9:
            text, stance = rng.choice(positives), "positive"
        else:
            text, stance, topic = rng.choice(NEUTRAL), "neutral", ""
        detail = rng.choice(details)
        text = f"{text} {detail}".strip()
        if rng.random() < 0.3:
            text += rng.choice([".", "!", "!!", " :(", " :)", "..."])
        if rng.random() < 0.2:
            text += f" (order {number % 997})"
        out.append((text, topic, stance))
    return out
