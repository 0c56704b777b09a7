"""A tiny YAML subset reader and writer for the fuzz corpus (standard library only).

It reads what the shipped protocols use: block mappings and sequences by indentation, flow mappings and
sequences on one line, plain and quoted scalars, comments. The writer emits block mappings with flow collections
inside lists. It is not a YAML implementation; it only lets the fuzzer mutate protocol structure.
"""
import math
import re


def strip_comment(line):
    out, quote = [], None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            break
        out.append(ch)
    return "".join(out).rstrip()


def scalar(text):
    t = text.strip()
    if t == "" or t in ("~", "null", "Null", "NULL"):
        return None
    if t in ("true", "True", "TRUE"):
        return True
    if t in ("false", "False", "FALSE"):
        return False
    if len(t) >= 2 and t[0] == t[-1] and t[0] in "\"'":
        return t[1:-1]
    if re.fullmatch(r"[-+]?\d+", t):
        return int(t)
    if re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", t):
        return float(t)
    if t.lower() in (".nan",):
        return math.nan
    if t.lower() in (".inf", "+.inf"):
        return math.inf
    if t.lower() == "-.inf":
        return -math.inf
    return t


def parse_flow(text, i=0):
    """Parses a flow collection or scalar starting at text[i]; returns (value, next index)."""
    while i < len(text) and text[i] == " ":
        i += 1
    if i < len(text) and text[i] == "{":
        result, i = {}, i + 1
        while True:
            while i < len(text) and text[i] in " ,":
                i += 1
            if text[i] == "}":
                return result, i + 1
            j = text.index(":", i)
            key = text[i:j].strip()
            value, i = parse_flow(text, j + 1)
            result[scalar(key) if not isinstance(scalar(key), float) else key] = value
    if i < len(text) and text[i] == "[":
        result, i = [], i + 1
        while True:
            while i < len(text) and text[i] in " ,":
                i += 1
            if text[i] == "]":
                return result, i + 1
            value, i = parse_flow(text, i)
            result.append(value)
    j = i
    if j < len(text) and text[j] in "\"'":
        q = text[j]
        k = text.index(q, j + 1)
        return text[j + 1:k], k + 1
    while j < len(text) and text[j] not in ",]}":
        j += 1
    return scalar(text[i:j]), j


def loads(text):
    lines = []
    for raw in text.splitlines():
        s = strip_comment(raw)
        if s.strip():
            lines.append((len(s) - len(s.lstrip(" ")), s.strip()))
    value, _ = _block(lines, 0, 0)
    return value


def _value(text):
    text = text.strip()
    if text.startswith("{") or text.startswith("["):
        return parse_flow(text)[0]
    return scalar(text)


def _block(lines, i, indent):
    if i >= len(lines):
        return None, i
    if lines[i][1].startswith("- ") or lines[i][1] == "-":
        result = []
        ind = lines[i][0]
        while i < len(lines) and lines[i][0] == ind and (lines[i][1].startswith("- ") or lines[i][1] == "-"):
            body = lines[i][1][2:].strip()
            if ":" in body and not body.startswith("{") and not body.startswith("["):
                # "- key: value" starts a mapping item
                sub = [(ind + 2, body)] + []
                j = i + 1
                while j < len(lines) and lines[j][0] > ind:
                    sub.append(lines[j])
                    j += 1
                value, _ = _block(sub, 0, ind + 2)
                result.append(value)
                i = j
            else:
                result.append(_value(body))
                i += 1
        return result, i
    result = {}
    ind = lines[i][0]
    while i < len(lines) and lines[i][0] == ind:
        text = lines[i][1]
        m = re.match(r"([^:{}\[\]]+?):(\s+(.*))?$", text)
        if not m:
            raise ValueError(f"cannot read line {text!r}")
        key, rest = m.group(1).strip(), (m.group(3) or "").strip()
        i += 1
        if rest:
            result[key] = _value(rest)
        elif i < len(lines) and lines[i][0] > ind:
            result[key], i = _block(lines, i, lines[i][0])
        else:
            result[key] = None
    return result, i


SPECIAL = set(":{}[],#&*!|>'\"%@`")


def fmt_scalar(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return ".nan"
        if math.isinf(v):
            return ".inf" if v > 0 else "-.inf"
        return repr(v)
    s = str(v)
    if s == "" or any(c in SPECIAL for c in s) or s != s.strip() or isinstance(scalar(s), (int, float, bool)) \
            or scalar(s) is None:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return s


def fmt_flow(v):
    if isinstance(v, dict):
        return "{" + ", ".join(f"{fmt_scalar(k)}: {fmt_flow(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(fmt_flow(x) for x in v) + "]"
    return fmt_scalar(v)


def dumps(value, indent=0):
    pad = " " * indent
    if isinstance(value, dict):
        out = []
        for k, v in value.items():
            if isinstance(v, dict) and v:
                out.append(f"{pad}{fmt_scalar(k)}:\n" + dumps(v, indent + 2))
            elif isinstance(v, list) and v and any(isinstance(x, (dict, list)) for x in v):
                out.append(f"{pad}{fmt_scalar(k)}:\n" + "".join(f"{pad}  - {fmt_flow(x)}\n" for x in v))
            else:
                out.append(f"{pad}{fmt_scalar(k)}: {fmt_flow(v)}\n")
        return "".join(out)
    return pad + fmt_flow(value) + "\n"
