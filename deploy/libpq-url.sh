# shellcheck shell=bash
# libpq_url URL — DATABASE_URL without the parameters only pgx knows
# (pool_max_conns and the like), which psql, pg_dump and pg_restore refuse.
libpq_url() {
	local url=$1 base query p kept=()
	[[ $url == *\?* ]] || { printf '%s\n' "$url"; return; }
	base=${url%%\?*} query=${url#*\?}
	local IFS='&'
	for p in $query; do
		case $p in
		pool_* | statement_cache_capacity=* | description_cache_capacity=* | default_query_exec_mode=*) ;;
		*) kept+=("$p") ;;
		esac
	done
	if ((${#kept[@]})); then printf '%s?%s\n' "$base" "${kept[*]}"; else printf '%s\n' "$base"; fi
}
