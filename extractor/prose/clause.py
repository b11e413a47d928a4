"""A paragraph read as sentences of clauses: heads, subjects passed on, breakdowns, lists."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..textnorm import Normalized
from .phrase import _ENUMERATION, _HEAD_DELIMITERS, _QUOTES, _SENTENCE_END, Value, _make_value
from .vocab import Token, Vocabulary, tokenize


@dataclass
class _Sentence:
    start: int
    end: int
    topic: str = ""
    topic_at: int = 0
    referent: tuple[int, int] | None = None  # what "此类工单" refers to: the paragraph's title
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
        s.topic_at = text.find(s.topic, s.start) if s.topic else 0
    # "1.住房和城乡建设类问题。共受理1099件,占比29.07%。": a numbered title sentence names what
    # the paragraph's next sentences count.
    title = referent = None
    for s in out:
        body_start = s.start + len(_ENUMERATION.match(text, s.start, s.end).group(0))
        body = text[body_start : s.end].rstrip("。!?")
        if body_start > s.start and 2 <= len(body) <= 20 and not re.search(r"[\d,;:]", body):
            a, b = body_start, body_start + len(body)
            lead = next((str(w) for w in vocab.raw["leading_words"] if text.startswith(str(w), a, b)), "")
            tail = next((str(t) for t in vocab.raw["title_tails"] if text.endswith(str(t), a, b)), "")
            referent = (a + len(lead), b - len(tail)) if b - len(tail) > a + len(lead) else None
        else:
            s.referent = referent
        if body_start > s.start and 2 <= len(body) <= 15 and not re.search(r"[\d,;:、]", body):
            end = body_start + len(body)
            tail = next((str(t) for t in vocab.raw["title_tails"] if body.endswith(str(t)) and len(body) > len(str(t))), "")
            name = body[: len(body) - len(tail)]
            named = name.endswith(tuple(str(c) for c in vocab.raw["category_suffixes"]))
            title = (body_start, end - len(tail)) if named else None  # not "办件质量不高": a finding
        elif title is not None and not s.topic:
            s.topic, s.topic_at = text[title[0] : title[1]], title[0]
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
        for k, v in enumerate(in_sentence):
            # "其中转办2274件,办结1715件,办结率75.42%": a subset of orders whose own figures follow;
            # alone at its sentence's end ("其中转办2544件。") it is still that subset's count
            word = text[v.column[0] : v.column[1]] if v.column else ""
            follower = in_sentence[k + 1] if k + 1 < len(in_sentence) else None
            lead = text[v.start : v.column[0]].strip("(:") if v.column else "?"
            opens = not lead or lead in vocab.raw["breakdown_markers"]  # "其中转办…", not "共转办…"
            if follower is None:
                # only "其中转办…" splitting the bulletin's total; a channel's 转办 ("州长信箱:…其中
                # 转办73件") is a status of that channel's orders
                fits = bool(lead) and k > 0 and in_sentence[0].subject is None and not sent.topic
            else:
                sibling = follower.metric in ("", "other")  # "转办19件、直接办结答复2件": two subsets side by side
                fits = follower.subject is None and not follower.postfix and not sibling
            if v.subject is None and word in subsets and opens and fits:
                v.subject, v.metric = v.column, "received"
        for k, v in enumerate(in_sentence):
            same = in_sentence[:k]
            if v.subject is not None:
                v.subject_text = text[v.subject[0] : v.subject[1]]
                v.unit_raw = norm.printed(*v.subject).strip()
            if v.refers:  # "本周共办理此类工单25件": the kind the title named, else unclear
                if sent.referent is not None and v.subject is None:
                    v.subject_text = text[sent.referent[0] : sent.referent[1]]
                    v.unit_raw = norm.printed(*sent.referent).strip()
                else:
                    v.unclear = True
            elif same and same[-1].unclear and v.subject is None:
                v.unclear = True
            if not v.subject_text and not v.total and not v.unclear:
                # A status before a count ("在办659宗") names those orders only: not inherited.
                owners = [w for w in same if w.subject_text not in vocab.raw["status_subjects"]]
                if owners:
                    v.subject_text, v.unit_raw = owners[-1].subject_text, owners[-1].unit_raw
                    v.total = owners[-1].total
                    if not v.is_count:
                        v.parent = owners[-1].parent  # a rate of a sub-count sits under the same parent
                elif sent.topic:
                    a = sent.topic_at
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
            # the count right before the marker is the one split ("…转办13件;接听来电8947个,其中转办…")
            before = [w for w in counts_before if w.num_start < sent.marker_at]
            parent = before[-1] if before else None
    if v.postfix:  # "林皋镇2件尚未办结": a status of the last named count's orders
        named = [w for w in counts_before if w.subject_text and not w.postfix]
        parent = named[-1] if named else parent
    elif not v.metric:
        if parent is not None and parent.metric:
            v.metric = parent.metric
        else:
            # a status count's word ("在线办结3件") is not passed to a count of another subject
            own = [w for w in counts_before if w.own_metric and not w.postfix and not (w.subset and v.subject is not None)]
            v.metric = own[-1].metric if own else "received"
    v.parent = parent
