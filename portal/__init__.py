"""portal: an interviewer portal that brings a technical-interview platform into WeCom."""

__version__ = "0.1.0"
