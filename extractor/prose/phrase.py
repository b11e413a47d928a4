"""One number and the clause before it: its value, metric, subject span and printed words."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..numbers import parse_number
from .vocab import Token, Vocabulary, _starts_word

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
    subset: bool = False  # its metric word names a subset of orders (在线办结, 转办): not passed on
    refers: bool = False  # the subject is a back-reference ("此类工单")
    unclear: bool = False  # whose figure this is cannot be told: a warning, no row
    total: bool = False  # the subject is the hotline itself: the county total, nothing to inherit
    basis: str = ""  # yoy / mom of a change, passed on to the next change ("同比增加110件,增幅5.85%")
    is_count: bool = True
    parent: Value | None = None


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
    subset = scored = False
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
            subset = count_tok.word in vocab.raw["subset_words"]
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
            scores = [w for w in values if w.sentence == si and w.metric == "score"]
            # a list of scores in brackets: "自来水公司(100)、市监局(99分)…" (the unit word printed on some)
            if scores or re.match(rf"、[^、,;。()]{{1,20}}\(\d+(?:\.\d+)?{vocab.raw['score_measure']}\)", text[end:]):
                metric, scored = "score", True
            elif not same:
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
    elif s < e and verbs and re.sub(r"\(.*?\)$", "", text[s:e]) in vocab.raw["order_nouns"]:
        # "12345热线中心共受理群众来电(留言)9230件": the hotline's orders, named by a lone order
        # noun, are the bulletin's total (a channel needs a name of its own: 市长信箱来信)
        lead = max((t.end for t in toks if "marker" in t.roles and t.end <= verbs[0].start), default=head_start)
        if any(str(w) in text[lead : verbs[0].start] for w in vocab.raw["agent_words"]):
            s = e
            hotline = True
    refers = any(str(w) in text[head_start:head_end] for w in vocab.raw["demonstratives"])
    if refers:
        s = e  # "此类工单": the kind named earlier, resolved by the paragraph
    if s < e and text[s:e].endswith(tuple(vocab.raw["source_ends"])):
        s = e  # "宜春市热线中心转来的…工单": the source of the orders, not their subject
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
        subset=subset,
        refers=refers,
        is_count=not pct and not thing and counted is None and m.group("score") is None and not scored,
    )


def num_start_of(m: re.Match) -> int:
    return m.start("num") if m.group("num") else m.start("bare")
