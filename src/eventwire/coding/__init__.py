"""The coding layer: spaCy parsing (nlp), actors, the trigger lexicon, events/, dates, geo/, parties, the
PLOVER ontology, and the disk cache of built dictionaries. Imports text and records, never store or run."""
