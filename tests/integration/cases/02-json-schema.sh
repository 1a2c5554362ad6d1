# shellcheck shell=sh
# JSON Schema checker (the verbs' --json against docs/*.schema.json).
printf '%s\n' '{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",' \
	'"required": ["groups"], "properties": {"groups": {"type": "array", "items": {"type": "integer"}}}}' \
	> "$scratch/schema.json"
echo '{"groups": [1, 2]}' > "$scratch/good.json"
echo '{"groups": [1, "two"]}' > "$scratch/bad.json"
python3 "$jsc" "$scratch/good.json" "$scratch/schema.json" > "$scratch/out" 2>&1; rc=$?
if [ $rc -eq 0 ] && [ "$(lines "$scratch/out")" -eq 1 ]; then pass json-schema-check-valid
else fail json-schema-check-valid "exit $rc" "$(cat "$scratch/out")"; fi
python3 "$jsc" "$scratch/bad.json" "$scratch/schema.json" > "$scratch/out" 2>&1; rc=$?
if [ $rc -eq 1 ] && [ "$(lines "$scratch/out")" -eq 1 ] && grep -q 'groups\[1\]' "$scratch/out"; then
	pass json-schema-check-invalid
else fail json-schema-check-invalid "exit $rc" "$(cat "$scratch/out")"; fi
# Every schema the docs ship is itself a valid schema (check_schema).
for sch in "$repo"/docs/*.schema.json; do
	[ -f "$sch" ] || continue
	python3 -c 'import json, sys; from jsonschema.validators import validator_for
s = json.load(open(sys.argv[1])); validator_for(s).check_schema(s)' "$sch" > "$scratch/out" 2>&1; rc=$?
	if [ $rc -eq 0 ]; then pass "schema-valid-$(basename "$sch" .schema.json)"
	else fail "schema-valid-$(basename "$sch" .schema.json)" "$(tail -1 "$scratch/out")"; fi
done
