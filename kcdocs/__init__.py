"""kcdocs: documents for compulsory-education dropout control (控辍保学)."""

__version__ = "0.1.0"
