# Sourced by bench/seccomp-cost.sh and bench/run-container.sh after bench/lib/run-seccomp-cost.ps1 made
# $work/seccomp-bundle-{default,unconfined}: `ctrun run` of each (the launcher, ctinit, the filter's load, /bin/true
# under it), alternated pair by pair, $1 pairs. Wall time, and CPU time (user + system of ctrun and everything it
# waited for, from wait4: bench/lib/cputime.c), which the machine's load distorts far less than wall time. Medians, in ms.
seccomp_start_cpu() {
  local pairs=$1 i side first second
  local ctrun="$repo/out/ContainerTools/ctrun" state="$work/seccomp-ctrun"
  gcc -O2 -o "$work/cputime" "$repo/bench/lib/cputime.c"
  : > "$work/seccomp-start.txt"
  run_one() {
    local t
    t=$("$work/cputime" "$ctrun" --root "$state" run -b "$work/seccomp-bundle-$1" "bench-$1-$2" 2>&1 >/dev/null | tail -1)
    echo "$1 $2 $t" >> "$work/seccomp-start.txt"
  }
  for i in 1 2 3; do run_one default "w$i"; run_one unconfined "w$i"; done
  : > "$work/seccomp-start.txt"
  for i in $(seq "$pairs"); do
    if (( i % 2 )); then first=default second=unconfined; else first=unconfined second=default; fi
    run_one "$first" "$i"; run_one "$second" "$i"
  done
  awk -v pairs="$pairs" '
    function median(a, n,   i, j, t) { for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j > 0 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
                                      return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    { wall[$1, $2] = $3; cpu[$1, $2] = $4; seen[$2] = 1 }
    END {
      n = 0
      for (k in seen) { n++; wd[n] = wall["default", k]; wu[n] = wall["unconfined", k]; cd[n] = cpu["default", k]; cu[n] = cpu["unconfined", k]
                        dw[n] = wd[n] - wu[n]; dc[n] = cd[n] - cu[n] }
      printf "ctrun run (launcher, ctinit, true): wall default %.1f ms, unconfined %.1f ms, paired difference %.2f ms\n", median(wd, n), median(wu, n), median(dw, n)
      printf "                                    CPU  default %.2f ms, unconfined %.2f ms, paired difference %.2f ms (median of %d pairs; goal <= 1 ms)\n", median(cd, n), median(cu, n), median(dc, n), n
    }' "$work/seccomp-start.txt"
}
