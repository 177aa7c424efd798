"""The Jinja2 environment of the few hot tables that Django's template engine rendered too
slowly (bench/RESULTS.md: a 150-row plan table was two thirds of its page's time).

Those templates hold no words to translate: `makemessages` does not read Jinja2, so the tag
that renders one passes its words in, translated in Python. Unknown names fail loudly.
"""

from typing import Any

from jinja2 import Environment, StrictUndefined


def environment(**options: Any) -> Environment:
    options["undefined"] = StrictUndefined
    return Environment(**options)
