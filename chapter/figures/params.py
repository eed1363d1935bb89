"""Each figure's parameters: their ranges and defaults, defined once, validated here.

The widget API parses a request's query with a figure's schema (a reader can act on the 400
message); the OpenAPI description and the page's controls (``control()``: label, range, step,
options, when it is shown) are generated from the same schema, so no range or default is
written twice. A field without a label is not a control: the page sets it itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from web.errors import ClientError


class ParamError(ClientError):
    """A parameter the schema refuses: a 400 naming the field."""

    def __init__(self, field: str, message: str):
        super().__init__(message, field, status=400)


@dataclass(frozen=True)
class Number:
    """A number (or whole number) in [low, high]."""

    low: float
    high: float
    default: float
    whole: bool = False  # an integer, such as a layer count
    label: str = ""  # the control's label; "" when the page sets the field itself
    step: float = 0.0  # the control's step; 0 for one step per whole number or 1/100 of the range
    when: tuple = ()  # (field, options): shown only while that field is one of those options

    def parse(self, field: str, text: str):
        """The query's text as a value, or a ParamError a reader can act on."""
        kind = "a whole number" if self.whole else "a number"
        allowed = f"{kind} from {self.low:g} to {self.high:g}"
        try:
            value = float(text)
        except ValueError:
            raise ParamError(field, f"{field} must be {allowed}; got {text!r}.") from None
        if not math.isfinite(value):
            raise ParamError(field, f"{field} must be a finite number ({allowed}); got {text!r}.")
        if self.whole and not value.is_integer():
            raise ParamError(field, f"{field} must be {allowed}; got {text!r}.")
        if not self.low <= value <= self.high:
            raise ParamError(field, f"{field} must be {allowed}; {text} is out of range.")
        return int(value) if self.whole else value

    def json_schema(self) -> dict:
        """The same rule for the OpenAPI document."""
        kind = "integer" if self.whole else "number"
        return {"type": kind, "minimum": self.low, "maximum": self.high, "default": self.default}

    def control(self, name: str) -> dict | None:
        """What the page's slider needs; the server's range, so the two cannot drift apart."""
        if not self.label:
            return None
        step = self.step or (1 if self.whole else (self.high - self.low) / 100)
        return _shown({"kind": "range", "name": name, "label": self.label, "min": self.low,
                       "max": self.high, "step": step, "default": self.default}, self.when)


@dataclass(frozen=True)
class Choice:
    """One of a fixed list of options."""

    options: tuple[str, ...]
    default: str
    label: str = ""
    names: tuple[tuple[str, str], ...] = ()  # (option, what the menu calls it) where it differs
    when: tuple = ()

    def parse(self, field: str, text: str):
        """The query's text as a value, or a ParamError a reader can act on."""
        if text not in self.options:
            raise ParamError(field, f"{field} must be one of {', '.join(self.options)}; "
                                    f"got {text!r}.")
        return text

    def json_schema(self) -> dict:
        """The same rule for the OpenAPI document."""
        return {"type": "string", "enum": list(self.options), "default": self.default}

    def control(self, name: str) -> dict | None:
        """A menu of the options the server accepts, each with the name a reader sees."""
        if not self.label:
            return None
        names = dict(self.names)
        options = [[option, names.get(option, option)] for option in self.options]
        return _shown({"kind": "select", "name": name, "label": self.label, "options": options,
                       "default": self.default}, self.when)


@dataclass(frozen=True)
class Flag:
    """0 (off) or 1 (on), as a query writes a checkbox."""

    default: bool
    label: str = ""

    def parse(self, field: str, text: str):
        """The query's text as a value, or a ParamError a reader can act on."""
        if text not in ("0", "1"):
            raise ParamError(field, f"{field} must be 0 (off) or 1 (on); got {text!r}.")
        return text == "1"

    def json_schema(self) -> dict:
        """The same rule for the OpenAPI document."""
        return {"type": "string", "enum": ["0", "1"], "default": "1" if self.default else "0"}

    def control(self, name: str) -> dict | None:
        """A checkbox, on or off as the server's default."""
        if not self.label:
            return None
        return {"kind": "checkbox", "name": name, "label": self.label,
                "default": "1" if self.default else "0"}


def _shown(control: dict, when: tuple) -> dict:
    if when:
        field, options = when
        control["when"] = {"field": field, "options": list(options)}
    return control


Schema = dict[str, Number | Choice | Flag]
UNIT = (-5.0, 5.0)


def parse_params(schema: Schema, args) -> dict:
    """Defaults for what is missing; a ParamError naming the first bad field otherwise."""
    params = {}
    for field, spec in schema.items():
        if field not in args:
            params[field] = spec.default
            continue
        text = args.get(field, "").strip()
        if text == "":
            raise ParamError(field, f"{field} is present but empty; leave it out for the "
                                    f"default, or give a value.")
        params[field] = spec.parse(field, text)
    return params
