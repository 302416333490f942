"""A yes/no JSON Schema check compiled to Python closures: the fast path of validation.

jsonschema finds every violation and says where, which is what a broken document needs, and it is most of a cold
build's loading time on a large spec. Almost every document is valid, and for those one quick yes is enough. This
module compiles a schema once into nested closures (no error objects, no path bookkeeping) and answers whether an
instance is valid; only on a "no" does validation run jsonschema for the findings.

The answer must never be "yes" where jsonschema says "no". So each keyword follows jsonschema's own reading of it
(Draft 4 for OpenAPI 3.0, 2020-12 for 3.1 and 3.2, with formats as annotations), including the set of properties it
counts as evaluated for `unevaluatedProperties`, and a keyword this module does not know compiles to "no".
"""

from __future__ import annotations

import re
from typing import Any, Callable

Check = Callable[[Any], bool]

# Keywords that never make an instance invalid.
_ANNOTATIONS = frozenset(
    "$schema $id id $comment $defs definitions title description default examples example format deprecated "
    "readOnly writeOnly $anchor $dynamicAnchor contentMediaType contentEncoding contentSchema $vocabulary".split()
)


def _never(instance: Any) -> bool:
    return False


def _always(instance: Any) -> bool:
    return True


def equal(one: Any, two: Any) -> bool:
    """JSON equality as jsonschema has it: booleans are not numbers, 1 equals 1.0."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, list) and isinstance(two, list):
        return len(one) == len(two) and all(equal(a, b) for a, b in zip(one, two))
    if isinstance(one, dict) and isinstance(two, dict):
        return one.keys() == two.keys() and all(equal(one[k], two[k]) for k in one)
    if isinstance(one, (list, dict)) or isinstance(two, (list, dict)):
        return False
    if isinstance(one, bool) or isinstance(two, bool):
        return isinstance(one, bool) and isinstance(two, bool) and one == two
    return bool(one == two)


class Compiler:
    def __init__(self, root: Any, *, draft4: bool) -> None:
        self.root = root
        self.draft4 = draft4
        self.checks: dict[int, Check] = {}
        self.evaluators: dict[int, Callable[[dict[str, Any]], set[str]]] = {}
        self.anchors: dict[str, Any] = {}  # $dynamicAnchor name → node
        self._find_anchors(root)

    def _find_anchors(self, node: Any) -> None:
        if isinstance(node, dict):
            anchor = node.get("$dynamicAnchor")
            if isinstance(anchor, str):
                self.anchors.setdefault(anchor, node)
            for value in node.values():
                self._find_anchors(value)
        elif isinstance(node, list):
            for value in node:
                self._find_anchors(value)

    def check(self, schema: Any) -> Check:
        key = id(schema)
        found = self.checks.get(key)
        if found is not None:
            return found
        cell: list[Check] = []
        self.checks[key] = lambda instance: cell[0](instance)  # while compiling: recursion through $ref
        built = self._build(schema)
        cell.append(built)
        self.checks[key] = built
        return built

    def resolve(self, ref: Any) -> Any:
        if not isinstance(ref, str) or not ref.startswith("#"):
            return None
        node = self.root
        if ref in ("#", ""):
            return node
        if not ref.startswith("#/"):
            return None
        for token in ref[2:].split("/"):
            token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                return None
        return node

    def _build(self, schema: Any) -> Check:
        if schema is True:
            return _always
        if schema is False:
            return _never
        if not isinstance(schema, dict):
            return _never
        if self.draft4 and "$ref" in schema:  # Draft 4 ignores a $ref's siblings
            target = self.resolve(schema["$ref"])
            return _never if target is None else self.check(target)
        checks: list[Check] = []
        for keyword, value in schema.items():
            if keyword in _ANNOTATIONS or keyword in ("then", "else", "minContains", "maxContains"):
                continue
            build = getattr(self, "_k_" + keyword.lstrip("$"), None)
            checks.append(_never if build is None else build(value, schema))
        if not checks:
            return _always
        if len(checks) == 1:
            return checks[0]
        steps = tuple(checks)

        def all_of(instance: Any) -> bool:
            for step in steps:
                if not step(instance):
                    return False
            return True

        return all_of

    # --- keywords ----------------------------------------------------------------------------------------------

    def _k_ref(self, value: Any, schema: dict[str, Any]) -> Check:
        target = self.resolve(value)
        return _never if target is None else self.check(target)

    def _k_dynamicRef(self, value: Any, schema: dict[str, Any]) -> Check:
        # One dialect only: a dynamic reference lands on the anchor of the same name in this document.
        if not isinstance(value, str) or not value.startswith("#") or value[1:] not in self.anchors:
            return _never
        return self.check(self.anchors[value[1:]])

    def _k_type(self, value: Any, schema: dict[str, Any]) -> Check:
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            return _never
        tests = tuple(self._type_test(n) for n in names)
        if len(tests) == 1:
            return tests[0]

        def any_type(instance: Any) -> bool:
            for test in tests:
                if test(instance):
                    return True
            return False

        return any_type

    def _type_test(self, name: str) -> Check:
        draft4 = self.draft4
        if name == "object":
            return lambda x: isinstance(x, dict)
        if name == "array":
            return lambda x: isinstance(x, list)
        if name == "string":
            return lambda x: isinstance(x, str)
        if name == "boolean":
            return lambda x: isinstance(x, bool)
        if name == "null":
            return lambda x: x is None
        if name == "number":
            return lambda x: isinstance(x, (int, float)) and not isinstance(x, bool)
        if name == "integer":
            if draft4:
                return lambda x: isinstance(x, int) and not isinstance(x, bool)
            return lambda x: (isinstance(x, int) and not isinstance(x, bool)) or (
                isinstance(x, float) and x.is_integer()
            )
        return _never

    def _k_enum(self, value: Any, schema: dict[str, Any]) -> Check:
        if not isinstance(value, list):
            return _never
        options = list(value)
        if options and all(type(option) is str for option in options):
            # equal() of a string and anything is ==, and no other JSON value equals a string
            strings = frozenset(options)
            return lambda x: isinstance(x, str) and x in strings
        return lambda x: any(equal(x, option) for option in options)

    def _k_const(self, value: Any, schema: dict[str, Any]) -> Check:
        if type(value) is str:
            return lambda x: isinstance(x, str) and x == value
        return lambda x: equal(x, value)

    def _k_required(self, value: Any, schema: dict[str, Any]) -> Check:
        if not isinstance(value, list):
            return _never
        names = tuple(value)
        if all(type(name) is str for name in names):
            wanted = frozenset(names)
            return lambda x: not isinstance(x, dict) or x.keys() >= wanted
        return lambda x: not isinstance(x, dict) or all(name in x for name in names)

    def _k_properties(self, value: Any, schema: dict[str, Any]) -> Check:
        if not isinstance(value, dict):
            return _never
        pairs = tuple((name, self.check(sub)) for name, sub in value.items())
        lookup = dict(pairs).get
        count = len(pairs)

        def properties(x: Any) -> bool:
            if isinstance(x, dict):
                if len(x) < count:  # the same verdict, from the instance's side: it has fewer keys
                    for name, item in x.items():
                        check = lookup(name)
                        if check is not None and not check(item):
                            return False
                    return True
                for name, check in pairs:
                    if name in x and not check(x[name]):
                        return False
            return True

        return properties

    def _k_patternProperties(self, value: Any, schema: dict[str, Any]) -> Check:
        if not isinstance(value, dict):
            return _never
        pairs = tuple((re.compile(pattern), self.check(sub)) for pattern, sub in value.items())
        pairs = tuple((pattern, check) for pattern, check in pairs if check is not _always)  # `^x-: {}` checks nothing
        if not pairs:
            return _always

        def pattern_properties(x: Any) -> bool:
            if isinstance(x, dict):
                for pattern, check in pairs:
                    for name, item in x.items():
                        if pattern.search(name) and not check(item):
                            return False
            return True

        return pattern_properties

    def _k_additionalProperties(self, value: Any, schema: dict[str, Any]) -> Check:
        known = frozenset(schema.get("properties", {}) if isinstance(schema.get("properties"), dict) else ())
        patterns = (
            tuple(re.compile(p) for p in schema.get("patternProperties", {}))
            if isinstance(schema.get("patternProperties"), dict)
            else ()
        )
        check = self.check(value)
        if check is _never and len(patterns) == 1:  # `additionalProperties: false` beside `^x-` (OpenAPI 3.0)
            search = patterns[0].search

            def no_others(x: Any) -> bool:
                if isinstance(x, dict):
                    for name in x:
                        if name not in known and not search(name):
                            return False
                return True

            return no_others

        def additional(x: Any) -> bool:
            if isinstance(x, dict):
                for name, item in x.items():
                    if name in known or any(p.search(name) for p in patterns):
                        continue
                    if not check(item):
                        return False
            return True

        return additional

    def _k_unevaluatedProperties(self, value: Any, schema: dict[str, Any]) -> Check:
        check = self.check(value)
        evaluated = self.evaluator(schema)

        def unevaluated(x: Any) -> bool:
            if isinstance(x, dict):
                seen = evaluated(x)
                for name, item in x.items():
                    if name not in seen and not check(item):
                        return False
            return True

        return unevaluated

    def evaluated(self, schema: Any, instance: dict[str, Any]) -> set[str]:
        """The properties jsonschema counts as evaluated by `schema` (its find_evaluated_property_keys_by_schema)."""
        return self.evaluator(schema)(instance)

    def evaluator(self, schema: Any) -> Callable[[dict[str, Any]], set[str]]:
        """`evaluated` for one schema, compiled like a check: references resolved and patterns compiled once."""
        key = id(schema)
        found = self.evaluators.get(key)
        if found is not None:
            return found
        cell: list[Callable[[dict[str, Any]], set[str]]] = []
        self.evaluators[key] = lambda instance: cell[0](instance)  # while compiling: recursion through $ref
        built = self._build_evaluator(schema)
        cell.append(built)
        self.evaluators[key] = built
        return built

    def _build_evaluator(self, schema: Any) -> Callable[[dict[str, Any]], set[str]]:
        if not isinstance(schema, dict):
            return lambda instance: set()
        # Each part gives some of the keys; their union is the answer (the order they are found in does not matter).
        parts: list[Callable[[dict[str, Any]], Any]] = []
        for keyword in ("$ref", "$dynamicRef"):
            if keyword in schema:
                target = (
                    self.resolve(schema[keyword]) if keyword == "$ref" else self.anchors.get(str(schema[keyword])[1:])
                )
                parts.append(self.evaluator(target))
        properties = schema.get("properties")
        if isinstance(properties, dict):
            names = properties.keys()
            parts.append(lambda instance: names & instance.keys())
        for keyword in ("additionalProperties", "unevaluatedProperties"):
            if keyword in schema:
                check = self.check(schema[keyword])
                parts.append(_valid_under(check))
        patterns = schema.get("patternProperties")
        if isinstance(patterns, dict):
            compiled = tuple(re.compile(pattern) for pattern in patterns)
            if len(compiled) == 1:
                search = compiled[0].search
                parts.append(lambda instance: {name for name in instance if search(name)})
            else:
                parts.append(lambda instance: {name for name in instance if any(p.search(name) for p in compiled)})
        dependent = schema.get("dependentSchemas")
        if isinstance(dependent, dict):
            pairs = tuple((name, self.evaluator(sub)) for name, sub in dependent.items())
            parts.append(
                lambda instance: set().union(*(evaluate(instance) for name, evaluate in pairs if name in instance))
            )
        for keyword in ("allOf", "oneOf", "anyOf"):
            subs = tuple((self.check(sub), self.evaluator(sub)) for sub in schema.get(keyword, []) or [])
            if subs:
                parts.append(_evaluated_by_passing(subs))
        if "if" in schema:
            condition, if_keys = self.check(schema["if"]), self.evaluator(schema["if"])
            then_keys = self.evaluator(schema["then"]) if "then" in schema else None
            else_keys = self.evaluator(schema["else"]) if "else" in schema else None

            def conditional(instance: dict[str, Any]) -> set[str]:
                if condition(instance):
                    return if_keys(instance) | then_keys(instance) if then_keys is not None else if_keys(instance)
                return else_keys(instance) if else_keys is not None else set()

            parts.append(conditional)
        steps = tuple(parts)

        def evaluated(instance: dict[str, Any]) -> set[str]:
            keys: set[str] = set()
            for step in steps:
                keys |= step(instance)
            return keys

        return evaluated

    def _k_items(self, value: Any, schema: dict[str, Any]) -> Check:
        if isinstance(value, list) or "prefixItems" in schema:
            return _never  # tuple forms: not needed for the OpenAPI schemas
        check = self.check(value)

        def items(x: Any) -> bool:
            if isinstance(x, list):
                for item in x:
                    if not check(item):
                        return False
            return True

        return items

    def _k_contains(self, value: Any, schema: dict[str, Any]) -> Check:
        check = self.check(value)
        low = schema.get("minContains", 1)
        high = schema.get("maxContains")
        if not isinstance(low, int) or (high is not None and not isinstance(high, int)):
            return _never

        def contains(x: Any) -> bool:
            if not isinstance(x, list):
                return True
            count = sum(1 for item in x if check(item))
            return count >= low and (high is None or count <= high)

        return contains

    def _k_propertyNames(self, value: Any, schema: dict[str, Any]) -> Check:
        check = self.check(value)
        return lambda x: not isinstance(x, dict) or all(check(name) for name in x)

    def _bound(self, value: Any, test: Callable[[Any, Any], bool], kind: type | tuple[type, ...]) -> Check:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return _never

        def bound(x: Any) -> bool:
            return not isinstance(x, kind) or isinstance(x, bool) or test(x, value)

        return bound

    def _k_minItems(self, value: Any, schema: dict[str, Any]) -> Check:
        return self._bound(value, lambda x, n: len(x) >= n, list)

    def _k_maxItems(self, value: Any, schema: dict[str, Any]) -> Check:
        return self._bound(value, lambda x, n: len(x) <= n, list)

    def _k_minProperties(self, value: Any, schema: dict[str, Any]) -> Check:
        return self._bound(value, lambda x, n: len(x) >= n, dict)

    def _k_maxProperties(self, value: Any, schema: dict[str, Any]) -> Check:
        return self._bound(value, lambda x, n: len(x) <= n, dict)

    def _k_minLength(self, value: Any, schema: dict[str, Any]) -> Check:
        return self._bound(value, lambda x, n: len(x) >= n, str)  # code points, as jsonschema counts

    def _k_maxLength(self, value: Any, schema: dict[str, Any]) -> Check:
        return self._bound(value, lambda x, n: len(x) <= n, str)

    def _k_minimum(self, value: Any, schema: dict[str, Any]) -> Check:
        if self.draft4 and schema.get("exclusiveMinimum") is True:
            return self._bound(value, lambda x, n: x > n, (int, float))
        return self._bound(value, lambda x, n: x >= n, (int, float))

    def _k_maximum(self, value: Any, schema: dict[str, Any]) -> Check:
        if self.draft4 and schema.get("exclusiveMaximum") is True:
            return self._bound(value, lambda x, n: x < n, (int, float))
        return self._bound(value, lambda x, n: x <= n, (int, float))

    def _k_exclusiveMinimum(self, value: Any, schema: dict[str, Any]) -> Check:
        if self.draft4:
            return _always if isinstance(value, bool) and "minimum" in schema else _never
        return self._bound(value, lambda x, n: x > n, (int, float))

    def _k_exclusiveMaximum(self, value: Any, schema: dict[str, Any]) -> Check:
        if self.draft4:
            return _always if isinstance(value, bool) and "maximum" in schema else _never
        return self._bound(value, lambda x, n: x < n, (int, float))

    def _k_uniqueItems(self, value: Any, schema: dict[str, Any]) -> Check:
        if value is not True:
            return _always if value is False else _never

        def unique(x: Any) -> bool:
            if not isinstance(x, list):
                return True
            return not any(equal(x[i], x[j]) for i in range(len(x)) for j in range(i + 1, len(x)))

        return unique

    def _k_pattern(self, value: Any, schema: dict[str, Any]) -> Check:
        if not isinstance(value, str):
            return _never
        pattern = re.compile(value)
        return lambda x: not isinstance(x, str) or pattern.search(x) is not None

    def _k_allOf(self, value: Any, schema: dict[str, Any]) -> Check:
        if not isinstance(value, list):
            return _never
        checks = tuple(self.check(sub) for sub in value)

        def all_of(x: Any) -> bool:
            for check in checks:
                if not check(x):
                    return False
            return True

        return all_of

    def _k_anyOf(self, value: Any, schema: dict[str, Any]) -> Check:
        if not isinstance(value, list):
            return _never
        checks = tuple(self.check(sub) for sub in value)

        def any_of(x: Any) -> bool:
            for check in checks:
                if check(x):
                    return True
            return False

        return any_of

    def _k_oneOf(self, value: Any, schema: dict[str, Any]) -> Check:
        if not isinstance(value, list):
            return _never
        checks = [self.check(sub) for sub in value]

        def one_of(x: Any) -> bool:
            found = 0
            for check in checks:
                if check(x):
                    found += 1
                    if found > 1:
                        return False
            return found == 1

        return one_of

    def _k_not(self, value: Any, schema: dict[str, Any]) -> Check:
        check = self.check(value)
        return lambda x: not check(x)

    def _k_if(self, value: Any, schema: dict[str, Any]) -> Check:
        condition = self.check(value)
        then = self.check(schema["then"]) if "then" in schema else _always
        otherwise = self.check(schema["else"]) if "else" in schema else _always
        return lambda x: then(x) if condition(x) else otherwise(x)

    def _k_dependentSchemas(self, value: Any, schema: dict[str, Any]) -> Check:
        if not isinstance(value, dict):
            return _never
        pairs = tuple((name, self.check(sub)) for name, sub in value.items())
        return lambda x: not isinstance(x, dict) or all(check(x) for name, check in pairs if name in x)

    def _k_dependentRequired(self, value: Any, schema: dict[str, Any]) -> Check:
        if not isinstance(value, dict):
            return _never
        pairs = tuple((name, tuple(needed)) for name, needed in value.items())
        return lambda x: not isinstance(x, dict) or all(
            all(n in x for n in needed) for name, needed in pairs if name in x
        )


Evaluator = Callable[[dict[str, Any]], set[str]]


def _valid_under(check: Check) -> Evaluator:
    """The properties whose values pass `check`."""
    return lambda instance: {name for name, item in instance.items() if check(item)}


def _evaluated_by_passing(subs: tuple[tuple[Check, Evaluator], ...]) -> Evaluator:
    """The properties evaluated by each subschema the instance passes."""
    return lambda instance: set().union(*(evaluate(instance) for check, evaluate in subs if check(instance)))


def compile_schema(schema: Any, *, draft4: bool) -> Check:
    return Compiler(schema, draft4=draft4).check(schema)
