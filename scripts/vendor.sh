#!/usr/bin/env bash
# Third-party browser code, fetched from the npm registry at install time and never committed:
# ECharts (the dashboards' charts) into var/vendor/, which settings.STATICFILES_DIRS serves as
# /static/vendor/. Without npm the dashboards still work: their tables are the figures.
set -euo pipefail
ECHARTS_VERSION="${ECHARTS_VERSION:-5.5.1}"
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/var/vendor"
mkdir -p "$dest"
if [[ -f "$dest/echarts.min.js" && "$(cat "$dest/echarts.version" 2>/dev/null)" == "$ECHARTS_VERSION" ]]; then
  exit 0
fi
if ! command -v npm > /dev/null; then
  echo "未找到 npm，统计图表将不显示（表格不受影响）。请安装 Node.js/npm 后重新运行 make install。"
  echo "(npm not found: the dashboards' charts are skipped, their tables still work)"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if ! (cd "$work" && npm pack --silent "echarts@$ECHARTS_VERSION" > /dev/null); then
  echo "无法从 npm 下载 echarts@$ECHARTS_VERSION，统计图表将不显示（表格不受影响）。"
  echo "(npm pack echarts@$ECHARTS_VERSION failed: the dashboards' charts are skipped)"
  exit 0
fi
tar -xzf "$work"/echarts-*.tgz -C "$work" package/dist/echarts.min.js package/LICENSE
cp "$work/package/dist/echarts.min.js" "$dest/echarts.min.js"
cp "$work/package/LICENSE" "$dest/echarts.LICENSE"
echo "$ECHARTS_VERSION" > "$dest/echarts.version"
echo "ECharts $ECHARTS_VERSION → var/vendor/echarts.min.js"
