"""Unit names: one canonical name per body across counties and years.

The dictionary is data (schemas/units.yaml, with its convention of what one body is across
places; schemas/units_local.csv); this package only applies it, in a fixed order, and records
how each name was resolved:

1. fold (dictionary.py): textnorm's normalisation (simplified script, full-width forms, pinyin
   glosses), spaces, inner quotes, a broken gloss at the start, an enumeration word (其中:);
2. forms (resolver.py): the bulletin's own places at any level, with the city and province of a
   county from the division registry (places.py); 国家税务总局/中共; a leading place that the
   registry knows (never any text ending in 市: 市智慧城市建设局 keeps its name); a level word
   (县/市/区); company legal forms; the hotline number; 支队 -> 大队 (the city-level unit of the
   same kind); office words that do not change the body (管委会, 发展服务中心); a parent in
   front of a sub-body (公安局交通警察大队);
3. exact and alias lookup of the forms (curated county rows first);
4. development zones named by their own name or their place (高新区 -> 白水高新技术产业开发区);
5. branch forms: 生态环境局X分局 -> 生态环境局, 电信X分公司 -> 电信公司;
6. townships and streets by suffix, enterprise keywords (华润燃气公司 -> 燃气公司), named bodies
   of open classes (banks, hospitals, schools, colleges);
7. abbreviation: the short form's characters appear in order in exactly one full name with the
   same rank ending (市监局 -> 市场监督管理局);
8. rapidfuzz, only as an unapplied suggestion with its score. Fuzzy matches are never applied:
   bench/units_accuracy.py shows wrong bodies at every useful score threshold. A name nothing
   above resolves stays unresolved, as printed, in the review list.

A user-curated aliases file (load_aliases) beats all of this and is applied first.
"""

from .aliases import AliasError, AliasRow, AliasTable, load_aliases, load_local_aliases
from .dictionary import KINDS, LOCAL_ALIASES, UNITS_YAML, Dictionary, Unit, fold, load_dictionary
from .places import townships_from_divisions
from .resolver import FUZZY_PROCESSOR, FUZZY_SCORER, LOW_CONFIDENCE, SCORES, Resolution, Resolver, resolve, unit_row

__all__ = [
    "FUZZY_PROCESSOR",
    "FUZZY_SCORER",
    "KINDS",
    "LOCAL_ALIASES",
    "LOW_CONFIDENCE",
    "SCORES",
    "UNITS_YAML",
    "AliasError",
    "AliasRow",
    "AliasTable",
    "Dictionary",
    "Resolution",
    "Resolver",
    "Unit",
    "fold",
    "load_aliases",
    "load_dictionary",
    "load_local_aliases",
    "resolve",
    "townships_from_divisions",
    "unit_row",
]
