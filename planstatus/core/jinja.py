"""The Jinja2 environment of the two long lists that Django's template engine rendered too
slowly (bench/RESULTS.md, issue 19: the 150-measure plan page went from 35 to 28 ms).

Those templates hold no words to translate: `makemessages` does not read Jinja2, so the tag
that renders one passes its words in, translated in Python. Unknown names fail loudly.
"""

from typing import Any

from jinja2 import Environment, StrictUndefined


def environment(**options: Any) -> Environment:
    options["undefined"] = StrictUndefined
    return Environment(**options)
