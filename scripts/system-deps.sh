#!/usr/bin/env bash
# Install the system packages Lianxin needs, or say plainly what is missing.
#   pdf      pango + Noto CJK fonts (WeasyPrint PDFs with Chinese text)
#   browser  Debian's chromium (Playwright browser tests; never downloads a browser)
#   testtools poppler-utils (tests render PDF pages to images to decode QR codes)
set -u
want=("$@")
missing=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for part in "${want[@]}"; do
  case "$part" in
    pdf) for p in libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk; do have_pkg "$p" || missing+=("$p"); done ;;
    browser) [ -x /usr/bin/chromium ] || missing+=(chromium) ;;
    testtools) have_pkg poppler-utils || missing+=(poppler-utils) ;;
  esac
done
[ ${#missing[@]} -eq 0 ] && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "安装系统依赖 (installing system packages): ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null && exit 0
  echo "apt-get 安装失败 (apt-get failed) for: ${missing[*]}" >&2
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null && exit 0
fi
echo "缺少系统依赖 (missing system packages): ${missing[*]}" >&2
echo "请以管理员身份安装 (install them as root): apt-get install ${missing[*]}" >&2
echo "没有 chromium 时浏览器测试将跳过；没有 pango/字体时无法生成 PDF。" >&2
echo "(Without chromium the browser tests skip locally; without pango/fonts PDFs cannot be made.)" >&2
# Missing packages are not fatal locally; CI sets LIANXIN_REQUIRE_BROWSER=1 and fails instead.
exit 0
