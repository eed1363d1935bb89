"""Numbers as the chapter writes them, in prose, figures, feedback and receipts alike.

A real minus sign (−), powers of ten with superscripts (2.78 × 10⁻⁷), "= 2" for an exact
value and "≈ 0.881" for a rounded one. Every package formats through here.
"""

from __future__ import annotations

SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def minus(text: str) -> str:
    """ASCII hyphens as the minus sign, as print sets them."""
    return text.replace("-", "−")


def num(value: float) -> str:
    """A number as the chapter writes it: 0.210, 2, −0.116, 2.78 × 10⁻⁷ (a real minus sign)."""
    value = float(value)
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1e4 or magnitude < 1e-3:
        mantissa, exponent = f"{value:.2e}".split("e")
        text = f"{mantissa} × 10{str(int(exponent)).translate(SUPERSCRIPT)}"
    elif value.is_integer():
        text = f"{value:.0f}"
    elif magnitude >= 0.01:
        text = f"{value:.3f}"
    else:
        text = f"{value:.3g}"
        if abs(float(text)) >= 0.01:  # 0.0099999 rounds up: written as 0.01 is, 0.010
            text = f"{value:.3f}"
    return text.replace("-", "−")



def factors(*texts: str) -> str:
    """Numbers written as a product: a negative factor after the first, and any power of
    ten, in brackets — 0.105 × (−2), (1.39 × 10⁻¹¹) × 3 — so no sign or × reads as an
    operation of its own."""
    return " × ".join(f"({t})" if "×" in t or (i and t.startswith("−")) else t
                      for i, t in enumerate(texts))


def param(value: float) -> str:
    """A reader's chosen setting, as short as it was typed: 0.5, 1.2, −3."""
    return f"{float(value) + 0.0:g}".replace("-", "−")  # + 0.0: no sign on zero


def approx(value: float, short: bool = False) -> str:
    """"= 2" for exact-looking numbers, "≈ 0.881" otherwise (``short``: for labels inside a
    chart, a power of ten from 1000 up, with 2 digits and no spaces: ≈ −2.2×10³)."""
    text = num(value)
    if short and (" × " in text or abs(float(value)) >= 1e3):  # −2.2×10³, not −2177.835
        # Rounded to two digits from the value itself: −9.96 × 10⁻¹⁴ is −1.0×10⁻¹³, not −10.0×10⁻¹⁴.
        mantissa, exponent = f"{float(value):.1e}".split("e")
        text = f"{mantissa}×10{str(int(exponent)).translate(SUPERSCRIPT)}".replace("-", "−")
        exact = float(f"{float(value):.1e}") == float(value)
        return f"= {text}" if exact else f"≈ {text}"
    return f"= {text}" if _written_exactly(value, text) else f"≈ {text}"


def _written_exactly(value: float, text: str) -> bool:
    """Whether ``text`` (``num``'s) is the value itself, not a rounding of it: 2, 0.500,
    0.125 and 5.00 × 10⁻⁴ are; 0.881 for σ(2) is not."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e4:
        return True
    if "×" in text:  # num's mantissa has three significant digits
        return float(f"{value:.2e}") == value
    return float(text.replace("−", "-")) == value



def plain_number(value: float, digits: int = 4) -> str:
    """218.4, 1e-10, 9.537e-7: ``digits`` significant figures, exponent without padding —
    what a reader can type back into an answer box. Zero has no sign (−0 is written 0)."""
    text = f"{value + 0.0:.{digits}g}"  # + 0.0: −0.0 becomes 0.0
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


def tex_number(value: float, digits: int = 4) -> str:
    """The number for TeX; a negative one braced, so its minus is a sign, not a subtraction."""
    mantissa, _, exponent = plain_number(value, digits).partition("e")
    text = rf"{mantissa}\times 10^{{{exponent}}}" if exponent else mantissa
    return f"{{{text}}}" if value < 0 else text


def tex_relation(value: float, digits: int = 4) -> str:
    """'=' when the number shown is the value itself, '≈' (in TeX) when it is rounded."""
    return "=" if float(plain_number(value, digits)) == value else r"\approx"
