"""The engine: what a barista does, one run of a crew, rush hour.  Crews live in core/crews/."""
