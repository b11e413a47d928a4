"""Statistics written in sentences → values rows (the prose half of issue #4).

Modules: `vocab` (schemas/prose.yaml indexed: word roles, the number pattern, the tokenizer),
`phrase` (one number and the clause before it: value, metric, subject span), `clause` (a
paragraph's sentences: subjects passed on, breakdowns, lists, distributed figures), `rows`
(values rows and findings for a document, channel sections, unit_kind).

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

from .rows import prose_values, unit_kind
from .vocab import PROSE_SCHEMA, Token, Vocabulary, tokenize, vocabulary

__all__ = ["PROSE_SCHEMA", "Token", "Vocabulary", "prose_values", "tokenize", "unit_kind", "vocabulary"]
