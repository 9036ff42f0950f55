"""ivr: the telephone front door of Portugal's migrant support services."""

__version__ = "0.1.0"
