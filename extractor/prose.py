"""Statistics written in sentences → values rows (the prose half of issue #4).

"本月受理各类诉求1383件，同比上升7.88%，环比下降16.03%" gives three rows: the county total's
received 1383, yoy +7.88, mom −16.03. The words are data (schemas/prose.yaml, whose header
states the conventions); this module only knows the shape of a clause:

    [subject] [metric words] NUMBER [measure word | %] [status word]

How one number is read, on the normalised paragraph (textnorm: simplified, ASCII punctuation,
no spaces; every span maps back to the print, so `text` and `unit_raw` quote the source):
1. a value is a number with a measure word (件, 宗, 个, 单, 件次, 条; 万件 scaled) or a %, or a
   bare integer in brackets after a name in a list of counts ("劳动监察大队（139）");
   a count followed by a noun ("4个乡镇") and a number after a threshold word are not values;
2. its head is the clause before it: back to the previous delimiter or the previous value;
3. metric words in the head give the metric and the sign; a verb or a breakdown marker ends
   the part of the head that may hold the subject (what follows the verb is its object);
4. an empty subject is the previous value's subject in the sentence, else the sentence's
   topic ("州长信箱:…"), else the county total;
5. after a breakdown marker (其中, 主要涉及 …) a count breaks down the first count of its
   sentence (or of the previous sentence when the marker opens the sentence): that count's
   subject is its parent_unit, and its metric is the parent's when it has no word of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from .metadata import period_named
from .model import Document, Paragraph
from .numbers import parse_number
from .textnorm import Normalized, normalize

PROSE_SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "prose.yaml"

# Clause delimiters (after normalisation). A ")" is one only when its group holds a number:
# "(同比上升22.03%)," ends a clause, "乡镇(街道)304件" does not.
_DELIMITERS = set(",;:、。!?")
# A head runs back over "、": it joins names into one subject ("12345热线、政民互动共受理…",
# "民政局、卫计局等9个单位"); a list of values still ends each head at the previous value.
_HEAD_DELIMITERS = _DELIMITERS - {"、"}
_QUOTES = {'"': '"', "\u201c": "\u201d", "\u2018": "\u2019", "《": "》", "「": "」", "『": "』"}
_SENTENCE_END = set("。!?")
_CJK = re.compile(r"[\u3400-\u9fff]")
# Numbering and bullets opening a list item: "1.", "1、", "(一)", "一、", "- ".
_ENUMERATION = re.compile(r"(?:[-–>*•\s]+)?(?:\d{1,2}[.、](?!\d)|\([一二三四五六七八九十\d]{1,3}\)|[一二三四五六七八九十]{1,3}、)?")
_TABLE_ROW = re.compile(r"\t.*\t|\|.*\|")


# --------------------------------------------------------------------------- vocabulary


@dataclass
class Vocabulary:
    """schemas/prose.yaml, indexed for the reader."""

    raw: dict
    roles: dict[str, dict[str, str]] = field(default_factory=dict)  # word -> {role: metric or ""}
    max_len: int = 1
    measure: re.Pattern = re.compile("")
    fillers: list[str] = field(default_factory=list)

    @property
    def channels(self) -> list[str]:
        return [str(c) for c in self.raw["channels"]]

    @property
    def types(self) -> dict[str, str]:
        return self.raw["types"]


def _add(roles: dict[str, dict[str, str]], word: object, role: str, metric: str = "") -> None:
    roles.setdefault(str(word), {}).setdefault(role, metric)


@cache
def vocabulary(path: Path = PROSE_SCHEMA) -> Vocabulary:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    roles: dict[str, dict[str, str]] = {}
    for metric, words in raw["rate_words"].items():
        for w in words:
            _add(roles, w, "rate", metric)
    for metric, words in raw["count_words"].items():
        for w in words:
            _add(roles, w, "count", metric)
    for metric, words in raw["postfix_words"].items():
        for w in words:
            _add(roles, w, "postfix", metric)
    for w in raw["postfix_ignore"]:
        _add(roles, w, "postfix_ignore")
    for sign, words in raw["sign_words"].items():
        for w in words:
            _add(roles, w, "sign", sign)
    for basis, words in raw["basis_words"].items():
        for w in words:
            _add(roles, w, "basis", basis)
    for w in raw["level_words"]:
        _add(roles, w, "level")
    for metric, words in raw["score_words"].items():
        for w in words:
            _add(roles, w, "score", metric)
    for w in raw["threshold_words"]:
        _add(roles, w, "threshold")
    for w in raw["verbs"]:
        _add(roles, w, "verb")
    for w in raw["breakdown_markers"]:
        _add(roles, w, "marker")
    for w in raw["blocking_words"]:
        _add(roles, w, "noun")
    for w in raw["channels"]:  # names that hold a verb (省级交办) must win over the verb
        _add(roles, w, "name")
    measures = sorted((str(m) for m in raw["measure_words"]), key=len, reverse=True)
    scales = "|".join(re.escape(s) for s in raw["scale_prefixes"])
    # A stray mark between the digits and % is extraction damage ("10.81`%"), not a new token.
    number = r"(?<![A-Za-z0-9.])(?P<sign>[+-])?(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)(?:[`'](?=%))?"
    points = "|".join(re.escape(str(w)) for w in sorted(raw["point_words"], key=len, reverse=True))
    things = "|".join(re.escape(str(w)) for w in sorted(raw["thing_measures"], key=len, reverse=True))
    unit = (
        rf"(?:(?P<pct>%|{points})|(?P<scale>{scales})?(?P<measure>{'|'.join(map(re.escape, measures))})"
        rf"|(?P<thing>{things})|(?P<score>{raw['score_measure']})(?![钟局]))"
    )
    bare = r"(?<=\()(?P<bare>\d{1,6})(?=\))"
    vocab = Vocabulary(
        raw=raw,
        roles=roles,
        max_len=max(len(w) for w in roles),
        measure=re.compile(rf"{number}{unit}|{bare}"),
        fillers=sorted((str(f) for f in raw["subject_fillers"]), key=len, reverse=True),
    )
    return vocab


@dataclass
class Token:
    start: int
    end: int
    word: str
    roles: dict[str, str]


def tokenize(text: str, vocab: Vocabulary, start: int = 0, end: int | None = None) -> list[Token]:
    """Vocabulary words in text[start:end], longest match first, left to right."""
    end = len(text) if end is None else end
    out: list[Token] = []
    i = start
    while i < end:
        for n in range(min(vocab.max_len, end - i), 0, -1):
            word = text[i : i + n]
            if word in vocab.roles:
                out.append(Token(i, i + n, word, vocab.roles[word]))
                i += n
                break
        else:
            i += 1
    return out


def _starts_word(text: str, pos: int, vocab: Vocabulary, roles: set[str]) -> Token | None:
    toks = tokenize(text, vocab, pos, min(len(text), pos + vocab.max_len))
    if toks and toks[0].start == pos and roles & set(toks[0].roles):
        return toks[0]
    return None


# --------------------------------------------------------------------------- reading one paragraph


@dataclass
class Value:
    """One statistic read from a sentence, positions in normalised text."""

    start: int  # phrase start
    num_start: int
    end: int  # phrase end (after measure word / status word)
    sentence: int
    value: float | int
    metric: str
    subject: tuple[int, int] | None  # span of the subject in normalised text
    subject_text: str = ""  # subject after inheritance (normalised), "" for the county total
    unit_raw: str = ""  # the same as printed
    column: tuple[int, int] | None = None  # span of the printed metric words
    own_metric: bool = False  # a count word of its own (may be inherited by later counts)
    postfix: bool = False  # metric from a status word after the number ("2件尚未办结")
    total: bool = False  # the subject is the hotline itself: the county total, nothing to inherit
    basis: str = ""  # yoy / mom of a change, passed on to the next change ("同比增加110件,增幅5.85%")
    is_count: bool = True
    parent: Value | None = None


@dataclass
class _Sentence:
    start: int
    end: int
    topic: str = ""
    marker_at: int | None = None  # position of the first breakdown marker
    opens_with_marker: bool = False


def _close_paren_delimiters(text: str) -> set[int]:
    """Positions of ")" that close a group holding a digit."""
    out, stack = set(), []
    for i, ch in enumerate(text):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            if any(c.isdigit() for c in text[stack.pop() : i]):
                out.add(i)
    return out


def _quoted(text: str) -> set[int]:
    """Positions inside quotation marks: a quoted name ("市委书记、市长信箱") is one word."""
    out: set[int] = set()
    i = 0
    while i < len(text):
        close = _QUOTES.get(text[i])
        j = text.find(close, i + 1) if close else -1
        if j > 0 and j - i <= 30:
            out.update(range(i, j + 1))
            i = j + 1
        else:
            i += 1
    return out


def _sentences(text: str, vocab: Vocabulary) -> list[_Sentence]:
    out, start = [], 0
    for i, ch in enumerate(text):
        if ch in _SENTENCE_END or i == len(text) - 1:
            out.append(_Sentence(start, i + 1))
            start = i + 1
    for s in out:
        body_start = s.start + len(_ENUMERATION.match(text, s.start, s.end).group(0))
        toks = tokenize(text, vocab, s.start, s.end)
        markers = [t for t in toks if "marker" in t.roles]
        if markers:
            s.marker_at = markers[0].start
            s.opens_with_marker = markers[0].start == body_start
        s.topic = _topic(text[body_start : s.end], vocab)
    return out


def _topic(sentence: str, vocab: Vocabulary) -> str:
    """ "州长信箱:本月共收到…" — a short name before the sentence's first colon."""
    m = re.match(r"([^\d,:;、。()]{2,10}):", sentence)
    if not m:
        return ""
    name = m.group(1)
    if tokenize(name, vocab) and any(set(t.roles) - {"name"} for t in tokenize(name, vocab)):
        return ""  # "其中特殊渠道来源工单是:", "工单数量较多的单位为:" introduce lists
    if name[-1] in vocab.raw["subject_intro"] or name.endswith("有"):
        return ""
    return name


def _nonempty(span: tuple[int, int]) -> bool:
    return span[0] < span[1]


def _trim(text: str, start: int, end: int, vocab: Vocabulary, label: bool) -> tuple[int, int]:
    """Shrink [start, end) to the subject: fillers, periods, brackets and particles off its ends.
    A label printed before a bracketed count ("无效诉求(2件") keeps its words."""
    period = re.compile(vocab.raw["period_pattern"])
    leading = [str(p) for p in vocab.raw["leading_particles"]]
    changed = True
    while changed and start < end:
        changed = False
        seg = text[start:end]
        m = period.match(seg)
        if m and m.end():
            start += m.end()
            changed = True
            continue
        if seg[0] in "(-*>•、" or seg[0] in leading:
            start += 1
            changed = True
            continue
        close = seg.find(_QUOTES.get(seg[0], "\0"), 1)
        if close > 1:
            # "省长信箱"来信: the quoted name, as printed, is the subject; the noun after it its orders
            return start + 1, start + close
        if seg[-1] == "(" or (seg[-1] == ")" and seg.count("(") < seg.count(")")):
            end -= 1
            changed = True
            continue
        lead = next((str(w) for w in vocab.raw["leading_words"] if seg.startswith(str(w)) and len(seg) > len(str(w))), None)
        if lead:
            start += len(lead)  # "反映卫生健康类…", "关于疫情方面…"
            changed = True
            continue
        noun = next((str(w) for w in vocab.raw["order_nouns"] if seg.endswith(str(w)) and len(seg) > len(str(w))), None)
        if noun and not label and _nonempty(_trim(text, start, end - len(noun), vocab, False)):
            end -= len(noun)  # "消费者权益类来电": the category's calls; "X等来电" drops its 等 next
            if text[start:end].endswith("等") and end - start > 1:
                end -= 1
            changed = True
            continue
        if label:
            continue
        for f in vocab.fillers:
            if len(f) > 1 and seg.startswith(f) and len(seg) > len(f) - 0:
                start += len(f)
                changed = True
                break
            if seg.endswith(f):
                end -= len(f)
                changed = True
                break
    # A measure word printed twice ("省长信箱件8件"): drop it after a channel name.
    seg = text[start:end]
    for w in vocab.raw["measure_words"]:
        w = str(w)
        if seg.endswith(w) and any(seg[: -len(w)].endswith(str(c)) for c in vocab.channels):
            end -= len(w)
            break
    return start, end


def _read_paragraph(norm: Normalized, vocab: Vocabulary, state: dict) -> list[Value]:
    text = norm.text
    sentences = _sentences(text, vocab)
    closers = _close_paren_delimiters(text)
    quoted = _quoted(text)

    def sentence_of(pos: int) -> int:
        return next(i for i, s in enumerate(sentences) if s.start <= pos < s.end)

    values: list[Value] = []
    prev_end = 0
    for m in vocab.measure.finditer(text):
        num_start = m.start("num") if m.group("num") else m.start("bare")
        si = sentence_of(num_start)
        sent = sentences[si]
        # The head: back to a delimiter, the previous value, or the sentence start.
        h = num_start
        floor = max(prev_end, sent.start)
        while h > floor and (((h - 1) in quoted) or (text[h - 1] not in _HEAD_DELIMITERS and (h - 1) not in closers)):
            h -= 1
        head_start = h + len(_ENUMERATION.match(text, h, num_start).group(0))
        if head_start == prev_end > 0:  # "…4个乡镇和县烟草专卖局等11个…": the 和 joins two values
            conj = next((str(c) for c in vocab.raw["conjunctions"] if text.startswith(str(c), head_start)), "")
            head_start += len(conj)
        if m.group("sign") and h < m.start("sign"):
            head_end = m.start("sign")
        else:
            head_end = m.start("num") if m.group("num") else m.start("bare") - 1  # before "("
        if m.start() > 0 and text[m.start() - 1] in vocab.raw["not_value_prefixes"]:
            continue
        toks = tokenize(text, vocab, head_start, head_end)
        if toks and "threshold" in toks[-1].roles and toks[-1].end == head_end:
            continue  # 低于60%: a threshold
        if any(text.startswith(str(w), m.end()) for w in vocab.raw["threshold_suffixes"]):
            continue  # 95%以上
        value = _make_value(m, text, vocab, toks, head_start, head_end, si, values)
        if value is None:
            continue
        each = _each(value, text, vocab)
        values.extend(each or [value])
        values.extend(_distributed(value, toks, text, vocab))
        prev_end = value.end

    # Subjects, inheritance and breakdowns, sentence by sentence in document order.
    subsets = {str(w) for w in vocab.raw["subset_words"]}
    for si, sent in enumerate(sentences):
        in_sentence = [v for v in values if v.sentence == si]
        for k, v in enumerate(in_sentence[:-1]):
            # "其中转办2274件,办结1715件,办结率75.42%": a subset of orders whose own figures follow
            word = text[v.column[0] : v.column[1]] if v.column else ""
            follower = in_sentence[k + 1]
            sibling = follower.metric in ("", "other")  # "转办19件、直接办结答复2件": two subsets side by side
            lead = text[v.start : v.column[0]].strip("(:") if v.column else "?"
            opens = not lead or lead in vocab.raw["breakdown_markers"]  # "其中转办…", not "共转办…"
            if v.subject is None and word in subsets and opens and follower.subject is None and not follower.postfix and not sibling:
                v.subject, v.metric = v.column, "received"
        for k, v in enumerate(in_sentence):
            same = in_sentence[:k]
            if v.subject is not None:
                v.subject_text = text[v.subject[0] : v.subject[1]]
                v.unit_raw = norm.printed(*v.subject).strip()
            if not v.subject_text and not v.total:
                # A status before a count ("在办659宗") names those orders only: not inherited.
                owners = [w for w in same if w.subject_text not in vocab.raw["status_subjects"]]
                if owners:
                    v.subject_text, v.unit_raw = owners[-1].subject_text, owners[-1].unit_raw
                    v.total = owners[-1].total
                    if not v.is_count:
                        v.parent = owners[-1].parent  # a rate of a sub-count sits under the same parent
                elif sent.topic:
                    a = text.index(sent.topic, sent.start)
                    v.subject_text, v.unit_raw = sent.topic, norm.printed(a, a + len(sent.topic)).strip()
            if v.is_count:
                _breakdown(v, [w for w in same if w.is_count], sent, state)
        counts = [v for v in in_sentence if v.is_count]
        if counts:
            state["last_first_count"] = counts[0]
    return values


def _each(v: Value, text: str, vocab: Vocabulary) -> list[Value]:
    """ "双峰林场、市监局、供电公司各1件": the figure once for each listed name."""
    if v.subject is None:
        return []
    a, b = v.subject
    word = next((str(w) for w in vocab.raw["each_words"] if text.endswith(str(w), a, b)), "")
    if not word or not re.search("[、及]", text[a : b - len(word)]):
        return []
    out, start = [], a
    for m in re.finditer(r"[、及]|$", text[a : b - len(word)]):  # not 和: 住房和城乡建设局
        end = a + m.start()
        if end > start:
            twin = Value(**{**v.__dict__})
            twin.subject = (start, end)
            out.append(twin)
        start = a + m.end()
    return out if len(out) >= 2 else []


def _distributed(v: Value, toks: list[Token], text: str, vocab: Vocabulary) -> list[Value]:
    """ "按时办结率、回复率、满意率均为100%": one figure for each rate word of a list before 均."""
    rates = [t for t in toks if "rate" in t.roles]
    if v.is_count or len(rates) < 2 or not any(str(w) in text[rates[-1].end : v.num_start] for w in vocab.raw["distributive_words"]):
        return []
    gaps = [text[a.end : b.start] for a, b in zip(rates, rates[1:], strict=False)]
    if any(g not in ("、", "和", "及", "与", ",") for g in gaps):
        return []
    out = []
    for t in rates[:-1]:
        twin = Value(**{**v.__dict__})
        twin.metric, twin.column = t.roles["rate"], (t.start, t.end)
        out.append(twin)
    return out


def _breakdown(v: Value, counts_before: list[Value], sent: _Sentence, state: dict) -> None:
    """The count v breaks down (its parent) and, when v has no metric word, its metric."""
    parent = None
    if sent.marker_at is not None and v.num_start > sent.marker_at:
        if sent.opens_with_marker:
            parent = state.get("last_first_count")
        else:
            parent = next((w for w in counts_before if w.num_start < sent.marker_at), None)
    if v.postfix:  # "林皋镇2件尚未办结": a status of the last named count's orders
        named = [w for w in counts_before if w.subject_text and not w.postfix]
        parent = named[-1] if named else parent
    elif not v.metric:
        if parent is not None and parent.metric:
            v.metric = parent.metric
        else:
            own = [w for w in counts_before if w.own_metric and not w.postfix]
            v.metric = own[-1].metric if own else "received"
    v.parent = parent


def _make_value(
    m: re.Match, text: str, vocab: Vocabulary, toks: list[Token], head_start: int, head_end: int, si: int, values
) -> Value | None:
    pct = bool(m.group("pct"))
    bare = m.group("bare") is not None
    digits = m.group("num") if not bare else m.group("bare")
    parsed = parse_number(digits)
    if parsed is None or parsed.value is None:
        return None
    number: float | int = parsed.value if (pct or parsed.decimals) else int(parsed.value)
    if m.group("scale"):
        number = int(round(parsed.value * vocab.raw["scale_prefixes"][m.group("scale")]))
    end = m.end()
    if bare:
        end += 1  # the ")"

    sign = next((t for t in reversed(toks) if "sign" in t.roles), None)
    basis = next((t for t in reversed(toks) if "basis" in t.roles), None)
    if m.group("sign") == "-":
        number = -number
    metric, own, postfix = "", False, False
    metric_toks = [t for t in toks if {"rate", "count", "sign", "basis", "level", "score"} & set(t.roles)]
    used: list[Token] = []  # the printed words that gave the metric: column_raw
    thing = m.group("thing") is not None
    counted = None  # "4个乡镇": a count of places or bodies, not of orders

    if m.group("score") is not None:
        if head_end > head_start and any(text[:head_end].endswith(str(w)) for w in vocab.raw["score_skip_prefixes"]):
            return None  # 扣4分: a penalty rule, not a score
        score = next((t for t in reversed(toks) if "score" in t.roles), None)
        rate = next((t for t in toks if "rate" in t.roles), None)
        earlier = [w for w in values if w.sentence == si and not w.is_count and w.metric not in ("score", "other")]
        if score is not None and score.roles["score"] == "other":
            metric, used = "other", [score]  # 满分为100分: the scale, not a score
        elif rate is not None or earlier:
            metric, used = "score_part", [t for t in (rate, score) if t is not None]
        else:
            metric, used = "score", [score] if score else []
    elif thing:
        metric = "other"
        used = [t for t in toks if {"count", "sign", "basis"} & set(t.roles)]
    elif pct:
        rate = next((t for t in reversed(toks) if "rate" in t.roles), None)
        if sign or basis:
            same = [w for w in values if w.sentence == si]
            inherited = same[-1].basis if (sign and not basis and same) else ""
            metric = basis.roles["basis"] if basis else (inherited or "other")
            used = [t for t in toks if {"basis", "sign"} & set(t.roles)]
            if rate and rate.start < used[0].start:
                used.insert(0, rate)  # "满意率与…相较下降3%": the change of a rate
        elif rate:
            metric = rate.roles["rate"]
            used = [rate] + [t for t in toks if "level" in t.roles and t.start > rate.start]
        else:
            metric = "other"
    else:
        counts = [t for t in toks if "count" in t.roles]
        count_tok = counts[-1] if counts else None
        if len(counts) >= 2 and count_tok.roles["count"] == "received" and counts[0].roles["count"] not in ("received", "other"):
            if any(text.startswith(str(n), count_tok.end) for n in vocab.raw["attribute_nouns"]):
                count_tok = counts[0]  # "共办结…平台下派工单587件": 下派 describes the orders, 办结 is the verb
        if sign or basis:
            metric = "other"  # an absolute change in 件: "较上月办件增加263件"
            used = [t for t in toks if {"basis", "sign"} & set(t.roles)]
        elif count_tok:
            metric, own = count_tok.roles["count"], True
            used = [count_tok]
        if not bare:
            # What follows the count: a status word, punctuation, or a metric word starting the
            # next value; a noun means the number counts something else ("4个乡镇").
            status = _starts_word(text, end, vocab, {"postfix", "postfix_ignore"})
            if status is not None:
                if "postfix" in status.roles and not metric:
                    metric, postfix = status.roles["postfix"], True
                    used = [status]
                end = status.end
            elif (
                end < len(text)
                and _CJK.match(text[end])
                and not _starts_word(text, end, vocab, {"rate", "count", "sign", "basis", "marker", "verb"})
            ):
                noun = next((str(w) for w in vocab.raw["counted_nouns"] if text.startswith(str(w), end)), None)
                if noun is None:
                    return None
                stop = end + len(noun)
                if text.startswith("(", stop) and text.find(")", stop) > 0 and text.find(")", stop) - stop <= 6:
                    stop = text.find(")", stop) + 1  # 11个乡镇(街道)
                counted = (m.start("measure"), stop)
                metric, own, end = "other", False, stop
        elif not metric:
            same = [w for w in values if w.sentence == si and w.is_count]
            if not same:
                return None  # a bracketed number is a count only inside a list of counts
    if (sign and sign.roles["sign"] == "minus") and number > 0:
        number = -number

    # The subject: after the last verb or marker (its object), before the first metric word;
    # a subject printed after its metric word follows an intro word ("工单量较多的是X").
    cut = max((t.end for t in toks if {"verb", "marker"} & set(t.roles)), default=head_start)
    words = [t for t in metric_toks if t.start >= cut and t.end <= head_end]
    label = head_end > head_start and text[head_end - 1] == "("
    if words:
        s, e = cut, words[0].start
        if not text[s:e].strip() or _trim(text, s, e, vocab, False)[0] >= _trim(text, s, e, vocab, False)[1]:
            after = text[words[-1].end : head_end]
            intro = max((after.rfind(str(w)) for w in vocab.raw["subject_intro"]), default=-1)
            s, e = (words[-1].end + intro + 1, head_end) if intro >= 0 else (s, s)
    else:
        s, e = cut, head_end
    raw_s, raw_e = s, e
    s, e = _trim(text, s, e, vocab, label and not words)
    if s < e and cut > head_start and text[s:e].endswith(tuple(vocab.raw["example_ends"])):
        s = e  # "办理疏通水沟、修建村道等类工单": examples of what was done, not whose figures
    if (s >= e or text[s:e] in vocab.raw["qualifiers"]) and raw_s < raw_e and not any("verb" in t.roles for t in toks):
        seg = text[raw_s:raw_e]
        q = next((str(w) for w in vocab.raw["qualifiers"] if seg.startswith(str(w))), None)
        if q is not None and len(seg) > len(q):
            s, e = raw_s, raw_e  # "有效诉求3942件, 无效诉求473件": a split of the total, named
    after = max((text.rfind(str(w), s, e) + len(str(w)) for w in vocab.raw["subject_after"] if str(w) in text[s:e]), default=-1)
    if 0 <= after < e:
        s, e = _trim(text, after, e, vocab, False)
    before = text[head_start:head_end]
    for w in ("共有", "有", "共", "为"):
        before = before.removesuffix(w)
    noun = next((str(n) for n in vocab.raw["counted_nouns"] if before.endswith(str(n))), None)
    if m.group("measure") == "个" and metric in ("", "received", "other") and noun:
        # "涉及镇街4个", "办理工单的成员单位共有44个": the noun says what is counted, not orders
        a = head_start + len(before) - len(noun)
        metric, own, counted, used = "other", False, (a, m.end("measure")), []
        if s < e and text[s:e].endswith(noun):
            s = e
    verbs = [t for t in toks if "verb" in t.roles]
    hotline = False
    if s >= e and verbs:
        # Nothing after the verb: the name before it, unless that is the hotline itself.
        lead = max((t.end for t in toks if "marker" in t.roles and t.end <= verbs[0].start), default=head_start)
        s, e = _trim(text, lead, verbs[0].start, vocab, False)
        named = text[lead : verbs[0].start].strip('"')
        quoted_name = text[s : s + 1] in _QUOTES or (s > 0 and text[s - 1] in _QUOTES)
        if not quoted_name and any(str(w) in named for w in vocab.raw["agent_words"]):
            s = e  # the hotline itself: its figures are the bulletin's total
            hotline = True
    if s < e and text[s] in vocab.raw["recipient_prefixes"]:
        s = e  # "派发到各成员单位…": where the orders went, not whose figures they are
    if counted is not None and s < e and text[s:e].endswith(tuple(vocab.raw["group_ends"])):
        e = counted[1]  # "民政局、卫计局等9个单位": the group is the subject of what follows
    subject = (s, e) if s < e else None

    phrase_start = head_start
    while phrase_start < num_start_of(m) and text[phrase_start] in "( 、":
        phrase_start += 1
    if not bare and text[phrase_start:end].count("(") > text[phrase_start:end].count(")") and text[end : end + 1] == ")":
        end += 1
    column = (used[0].start, used[-1].end) if used else None
    change_basis = basis.roles["basis"] if basis else (metric if metric in ("yoy", "mom") else "")
    if counted is not None:
        column = counted
    elif thing and not used:
        column = (m.start("thing"), m.end("thing"))
    return Value(
        start=phrase_start,
        num_start=num_start_of(m),
        end=end,
        sentence=si,
        value=number,
        metric=metric,
        subject=subject,
        column=column,
        own_metric=own,
        postfix=postfix,
        basis=change_basis,
        total=hotline and subject is None,
        is_count=not pct and not thing and counted is None and m.group("score") is None,
    )


def num_start_of(m: re.Match) -> int:
    return m.start("num") if m.group("num") else m.start("bare")


# --------------------------------------------------------------------------- rows


def unit_kind(unit_raw: str, parent_kind: str = "", vocab: Vocabulary | None = None) -> str:
    """total, type, category, channel, or "" (a body: the unit-name stage resolves it)."""
    vocab = vocab or vocabulary()
    name = normalize(unit_raw).text
    if not name:
        return "total"
    if parent_kind == "category":
        return "category"  # a sub-category of a category ("物业管理" under 住房保障类)
    suffixes = [str(s) for s in vocab.raw["category_suffixes"]]
    if name in vocab.types or (name[-1:] in suffixes and name[:-1] in vocab.types):
        return "type"
    if any(name.endswith(s) for s in suffixes):
        return "category"
    if any(str(c) in name for c in vocab.channels):
        return "channel"
    return ""


def _is_table_row(text: str) -> bool:
    """A table row printed as a paragraph (tabs or pipes between cells): the table stage's."""
    return bool(_TABLE_ROW.search(text))


def prose_values(doc: Document, source: str, county: str, period: str) -> tuple[list[dict], list[dict]]:
    """Values rows for every statistic printed in the document's paragraphs, and findings
    (numbers stripped from a reprint). Tables (RawTable blocks) are not read here."""
    vocab = vocabulary()
    rows: list[dict] = []
    findings: list[dict] = []
    section = "prose"
    state: dict = {}
    captions = {t.caption.strip() for t in doc.tables if t.caption}
    paragraphs = [b for b in doc.blocks if isinstance(b, Paragraph)]
    # A bulletin sectioned by channel ("(一)市民热线 … (二)市长信箱 …"): each section's figures
    # with no subject of their own belong to its channel, until the next heading.
    channel_heads = {h for h in (_heading(b.norm, vocab) for b in paragraphs) if h and _is_channel_name(h, vocab)}
    topic: tuple[Paragraph, int, int] | None = None
    number = 0
    for block in paragraphs:
        number += 1
        raw = block.text
        if block.level is not None:
            section = raw.strip()
        head = _heading(block.norm, vocab)
        if head is not None:
            at = block.norm.text.rfind(head)
            topic = (block, at, at + len(head)) if len(channel_heads) >= 2 and head in channel_heads else None
            continue
        if not raw.strip() or _is_table_row(raw) or raw.strip() in captions:
            continue
        norm = block.norm
        if not _CJK.search(vocab.measure.sub("", norm.text)):
            continue  # "98.06%", "2050 |": a table cell printed on its own line, the table stage's
        values = _read_paragraph(norm, vocab, state)
        kinds: dict[str, str] = {}
        for v in values:
            if topic is not None and (not v.subject_text or v.subject_text in vocab.channels):
                v.subject_text = topic[0].norm.text[topic[1] : topic[2]]
                v.unit_raw = topic[0].norm.printed(topic[1], topic[2])
            rows.append(_row(v, norm, vocab, source, county, period, section, block.page, number, kinds))
        findings.extend(_stripped(norm, vocab, source, number))
    return rows, findings


def _heading(norm: Normalized, vocab: Vocabulary) -> str | None:
    """The name of a short numbered heading line ("(一)市长信箱", "二、办理情况"), else None."""
    text = norm.text.strip()
    m = _ENUMERATION.match(text)
    name = text[m.end() :] if m else ""
    if not m or not m.group(0).strip() or not name or len(name) > 12 or re.search(r"[\d,;:。!?%]", name):
        return None
    return name


def _is_channel_name(name: str, vocab: Vocabulary) -> bool:
    return name.endswith(tuple(str(w) for w in vocab.raw["channel_heading_ends"]))


def _row(
    v: Value, norm: Normalized, vocab: Vocabulary, source: str, county: str, period: str, section: str, page, number: int, kinds: dict
) -> dict:
    # The county named as the subject ("某县受理诉求1383件") is the county total.
    unit_raw = "" if county and v.subject_text == normalize(county).text else v.unit_raw
    parent_raw = ""
    if v.parent is not None and v.parent.subject_text and v.parent.subject_text != v.subject_text:
        parent_raw = "" if county and v.parent.subject_text == normalize(county).text else v.parent.unit_raw
    kind = unit_kind(unit_raw, unit_kind(parent_raw, vocab=vocab) if parent_raw else "", vocab)
    return {
        "source": source,
        "county": county,
        "period": period,
        "section": section,
        "page": page if page is not None else "",
        "table": "",
        "row": number,
        "col": norm.span(v.num_start, v.num_start + 1)[0] + 1,
        "unit_raw": unit_raw,
        "unit": "",
        "unit_kind": kind if kind in ("total", "type", "category", "channel") else "",
        "parent_unit": parent_raw,
        "column_raw": norm.original_text(*v.column).strip() if v.column else "",
        "metric": v.metric or "other",
        "value": v.value,
        "text": norm.original_text(v.start, v.end).strip(),
        "value_period": _own_period(norm.text[v.start : v.num_start], period),
    }


def _own_period(before_number: str, period: str) -> str:
    """A period the sentence gives its number, when it is not the bulletin's: 三月份 in a
    quarterly bulletin ("三月份热线工单满意率直降至89.96%") is 2024-03, not the quarter."""
    year = re.match(r"\d{4}", period or "")
    if not year:
        return ""
    named = period_named(before_number, int(year.group(0)))
    return named if named and named != period else ""


def _stripped(norm: Normalized, vocab: Vocabulary, source: str, number: int) -> list[dict]:
    """A % or measure word right after a metric word, with no digits: a number lost in a reprint
    ("受理各类诉求件，同比上升%"). Reported, never filled in."""
    out = []
    text = norm.text
    for m in re.finditer(r"%|件", text):
        i = m.start()
        if i == 0 or text[i - 1].isdigit() or text[i - 1] in " ." or text[i - 1] in vocab.raw["scale_prefixes"]:
            continue
        if m.group(0) == "件" and (i + 1 < len(text) and text[i + 1] not in _DELIMITERS):
            continue
        a = i
        while a > 0 and text[a - 1] not in _DELIMITERS:
            a -= 1
        toks = tokenize(text, vocab, a, i)
        wanted = {"rate", "sign", "basis"} if m.group(0) == "%" else {"verb", "count"}
        if not any(wanted & set(t.roles) for t in toks):
            continue
        if m.group(0) == "件" and text[i - 1 : i + 1] in vocab.raw["nouns_in_measure"]:
            continue
        out.append(
            {
                "source": source,
                "check": "prose_number_missing",
                "severity": "warning",
                "table": "",
                "row": number,
                "column": "prose",
                "unit_raw": "",
                "metric": "",
                "printed": norm.original_text(a, i + 1),
                "expected": "",
                "message": "a metric is printed without its number (stripped from this copy?): no value read",
            }
        )
    return out
