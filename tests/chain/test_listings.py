"""What a sentence lists: the three readings of bot.listings, as tables of cases."""

from __future__ import annotations

from bot import listings
from bot.names import Name

PLACES = [Name(p, "place", (p,)) for p in ("Australia", "South America", "Africa", "Europe")]
INVESTED = "China has invested in Australia, South America, and Africa."


def test_listing_sizes_count_the_items_of_each_series():
    assert listings.listing_sizes("Firms such as CATL, BYD, and SVOLT grew.") == {"3"}
    assert listings.listing_sizes("It works with Panasonic and Toyota’s division.") == {"2"}
    assert listings.listing_sizes("Supply and demand rose.") == set()
    # a clause before the series may be one more item, or not
    hurdles = "Efforts face hurdles, including costs, scaling, and transfers."
    assert listings.listing_sizes(hurdles) == {"3", "4"}


def test_members_given_as_examples_count_only_what_the_source_names():
    examples = "China invests in regions such as Australia, South America, and Africa."
    assert listings.names_members(INVESTED, PLACES)
    assert not listings.names_members(examples, PLACES)
    assert listings.names_members(examples, PLACES, examples_count=True)
    assert not listings.names_members("China has invested in Australia.", PLACES)


def test_lists_counted_reads_the_class_word_then_its_members():
    assert listings.lists_counted(
        "Efforts face hurdles, including costs, scaling, and transfers.", "hurdles"
    )
    assert listings.lists_counted(
        "It works through companies like Panasonic and Toyota.", "firms companies"
    )
    assert not listings.lists_counted("Companies grew; Panasonic and Toyota led.", "companies")
    assert not listings.lists_counted("Giants like LG grew. Costs and prices fell.", "giants")
