"""The front of house: the Textual app (imports Textual; chaishop.core never does)."""
