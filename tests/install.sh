#!/usr/bin/env bash
# discsim installed and used from elsewhere: `cmake --install` into a new prefix, then, from
# a directory outside the repository and with the prefix moved (nothing may point back to the
# build or the source tree):
#   - a scenario copied out of the installed data finds its model there (check names the file);
#   - the installed program runs it, and `validate` runs with no argument;
#   - `discsim bench` finds the installed benchmarks and they find their scenario;
#   - the man page is installed and is a man page, and the teaching page beside the docs;
#   - a C program builds against the library through pkg-config and through find_package,
#     and runs a scenario.
# Usage: install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "install: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$tmp/first" >/dev/null
mv "$tmp/first" "$tmp/prefix" # relocatable: no install prefix is compiled in
p="$tmp/prefix"
mkdir "$tmp/work"
cd "$tmp/work"
unset DISCSIM_DATA_DIR

for f in bin/discsim libexec/discsim/bench_precision libexec/discsim/bench_cohort libexec/discsim/bench_h5_floor include/discsim/discsim.h \
         lib/pkgconfig/discsim.pc lib/cmake/discsim/discsimConfig.cmake share/discsim/models/lumbar_adult.yaml \
         share/discsim/scenarios/validation/checks.yaml share/discsim/tests/validation/targets.csv \
         share/man/man1/discsim.1 share/doc/discsim/LICENSE share/doc/discsim/CITATION.cff \
         share/doc/discsim/web/index.html share/doc/discsim/web/discsim_core.js share/doc/discsim/web/page.js; do
    [ -e "$p/$f" ] || fail "$f is not installed"
done
grep -q '^\.TH DISCSIM "1"' "$p/share/man/man1/discsim.1" || fail "the man page has no .TH line"
grep -q 'check SCENARIO' "$p/share/man/man1/discsim.1" || fail "the man page does not carry --help's usage"

# a copied scenario: its bare model name is found in the installed data, not in the source tree
cp "$p/share/discsim/scenarios/diurnal_l4l5.yaml" my.yaml
"$p/bin/discsim" check my.yaml >check.txt
grep -q "($p/bin/../share/discsim/models/lumbar_adult.yaml)" check.txt || fail "model not found in the install: $(cat check.txt)"
grep -q "$src" check.txt && fail "the installed program used the source tree: $(cat check.txt)"
"$p/bin/discsim" run my.yaml -o my.h5 -q --set timeline.repeat=1 || fail "the installed program cannot run a copied scenario"
[ -s my.h5 ] || fail "no output"
# a missing model is an error naming the key and where it was looked for
sed 's/^model: .*/model: no_such_model.yaml/' my.yaml >bad.yaml
if "$p/bin/discsim" check bad.yaml 2>err.txt; then fail "a missing model was accepted"; fi
grep -q "bad.yaml:[0-9]*: key 'model'.*no_such_model.yaml" err.txt || fail "unclear error: $(cat err.txt)"

"$p/bin/discsim" validate >validate.txt || fail "validate from elsewhere: $(tail -3 validate.txt)"
grep -q "targets met" validate.txt || fail "validate printed no verdict"

"$p/bin/discsim" bench levels --subjects 1 --reps 1 >bench.txt 2>&1 || fail "discsim bench levels: $(cat bench.txt)"
if "$p/bin/discsim" bench nosuch 2>/dev/null; then fail "an unknown benchmark was accepted"; fi
for b in precision cohort integrators levels h5_floor; do
    "$p/bin/discsim" bench $b --help | grep -q "^usage: bench_$b" || fail "discsim bench $b --help"
done

# the library from a program outside discsim
cp "$src/tests/install/consumer.c" "$src/tests/install/CMakeLists.txt" .
PKG_CONFIG_PATH="$p/lib/pkgconfig" cc -std=c17 -o consumer_pc consumer.c \
    $(PKG_CONFIG_PATH="$p/lib/pkgconfig" pkg-config --cflags --libs discsim) || fail "pkg-config build"
./consumer_pc my.yaml pc.h5 || fail "the pkg-config consumer failed"
cmake -S . -B cm -DCMAKE_PREFIX_PATH="$p" -DCMAKE_BUILD_TYPE=Release >cm.txt 2>&1 || fail "find_package: $(cat cm.txt)"
cmake --build cm >>cm.txt 2>&1 || fail "CMake package build: $(tail -20 cm.txt)"
cm/consumer my.yaml cm.h5 || fail "the CMake package consumer failed"
echo "install: ok"
