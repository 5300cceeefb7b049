#!/usr/bin/env bash
# The engine against its floor: `setup --dry-run` and a real `setup` (written, no backup) on a
# generated realistic config.toml of 1 MiB and 4 MiB, next to `examples/toml_floor` (parse with
# the same toml_edit and print), in paired runs on the same file. Prints median wall time and
# peak RSS (GNU time) of each, and the ratios. Nothing here passes or fails on a number.
#
#   benches/engine.sh            # 15 paired runs per size
#   RUNS=41 benches/engine.sh
#   FUZZ_CASES=20000 benches/engine.sh   # also the long run of the engine's fuzz proptest
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-15}

cargo build --release --quiet --bin codexgw --example toml_floor --example big_config
bin=target/release/codexgw
floor=target/release/examples/toml_floor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One run: "<wall ms> <peak RSS KiB>".
measure() {
  local start end
  start=$(date +%s%N)
  /usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null 2>"$work/err" || {
    cat "$work/err" >&2
    exit 1
  }
  end=$(date +%s%N)
  echo "$(((end - start) / 1000)) $(tail -1 "$work/rss")"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

setup_args=(setup --offline --mode centralized --url https://coder.example.com)

printf '%-8s %-22s %10s %10s %8s %8s\n' size program "wall ms" "RSS MiB" "× wall" "× RSS"
for mib in 1 4; do
  home="$work/home-$mib"
  mkdir -p "$home"
  target/release/examples/big_config $((mib << 20)) >"$work/config-$mib.toml"
  cp "$work/config-$mib.toml" "$home/config.toml"
  : >"$work/floor" >"$work/dry" >"$work/write"
  for _ in $(seq "$RUNS"); do
    measure "$floor" "$work/config-$mib.toml" >>"$work/floor"
    measure env -i HOME="$work" "$bin" --codex-home "$home" "${setup_args[@]}" --dry-run >>"$work/dry"
    cp "$work/config-$mib.toml" "$home/config.toml"
    measure env -i HOME="$work" "$bin" --codex-home "$home" "${setup_args[@]}" --yes --no-backup >>"$work/write"
  done
  f_wall=$(cut -d' ' -f1 "$work/floor" | median)
  f_rss=$(cut -d' ' -f2 "$work/floor" | median)
  for run in floor dry write; do
    wall=$(cut -d' ' -f1 "$work/$run" | median)
    rss=$(cut -d' ' -f2 "$work/$run" | median)
    name=$run
    [ "$run" = floor ] && name="toml_edit parse+print"
    [ "$run" = dry ] && name="setup --dry-run"
    [ "$run" = write ] && name="setup (write)"
    awk -v s="${mib} MiB" -v n="$name" -v w="$wall" -v r="$rss" -v fw="$f_wall" -v fr="$f_rss" \
      'BEGIN { printf "%-8s %-22s %10.1f %10.1f %8.2f %8.2f\n", s, n, w / 1000, r / 1024, w / fw, r / fr }'
  done
done

if [ -n "${FUZZ_CASES:-}" ]; then
  CODEXGW_FUZZ_CASES=$FUZZ_CASES cargo test --release --test it -- \
    proptest_engine::setup_and_remove_on_arbitrary_toml
fi
