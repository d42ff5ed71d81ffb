"""Rendering: font discovery, the Typst engine, Word output."""
