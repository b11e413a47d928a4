"""Unit names: one canonical name per body across counties and years.

The dictionary is data (schemas/units.yaml, schemas/units_local.csv); this module only applies it,
in a fixed order, and records how each name was resolved:

1. fold: NFKC, traditional -> simplified (OpenCC), pinyin glosses and spaces removed;
2. strip administrative prefixes: the bulletin's own province/city/county names (passed in by the
   caller), 国家税务总局/中共, a leading place name ending in 省/市/县..., company legal forms;
3. branch forms: 生态环境局X分局 -> 生态环境局, 电信X分公司 -> 电信公司;
4. exact and alias lookup (curated county rows first), townships and streets by suffix,
   enterprise keywords (华润燃气公司 -> 燃气公司), named bodies of open classes (banks, hospitals);
5. abbreviation: the short form's characters appear in order in exactly one full name with the same
   rank ending (市监局 -> 市场监督管理局);
6. rapidfuzz, only as an unapplied suggestion with its score. Fuzzy matches are never applied:
   bench/units_accuracy.py shows wrong bodies at every useful score threshold.

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
