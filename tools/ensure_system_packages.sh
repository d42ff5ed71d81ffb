#!/bin/sh
# Make sure a CJK font (and, for the tests, qpdf; with --browser, Chromium for the web page tests)
# is present. Uses kcdocs' own font lookup; on Debian/Ubuntu as root installs what is missing,
# otherwise says exactly what to install.
PY="${1:-python3}"
BROWSER="${2:-}"
missing=""
if ! "$PY" -c "from kcdocs.render.fonts import resolve_fonts; resolve_fonts()" >/dev/null 2>&1; then
  missing="fonts-noto-cjk"
fi
command -v qpdf >/dev/null 2>&1 || missing="$missing qpdf"
# Chromium (browser tests of `kcdocs serve`) is optional: failing to install it never fails the setup.
if [ "$BROWSER" != "--browser" ]; then
  :
elif [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  echo "正在安装：chromium chromium-driver（网页的浏览器测试用）"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null \
    || echo "提示：Chromium 安装失败，测试将跳过网页的浏览器测试。"
elif [ ! -x /usr/bin/chromium ]; then
  echo "提示：未安装 Chromium，测试将跳过网页的浏览器测试（sudo apt-get install chromium chromium-driver）。"
fi
# The tests also render Word files (LibreOffice, never used by kcdocs itself) and PDF pages
# (pdftoppm); the CJK extension font prints 生僻字. Optional like Chromium.
extras=""
if [ "$BROWSER" = "--browser" ]; then
  command -v soffice >/dev/null 2>&1 || extras="$extras libreoffice-writer-nogui"
  command -v pdftoppm >/dev/null 2>&1 || extras="$extras poppler-utils"
fi
fc-list 2>/dev/null | grep -qi hanamin || extras="$extras fonts-hanazono"
if [ -n "$extras" ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  echo "正在安装：$extras"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $extras >/dev/null \
    || echo "提示：$extras 安装失败，相关测试将跳过。"
fi
[ -z "$missing" ] && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  echo "正在安装：$missing"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null || exit 1
  exit 0
fi
case "$missing" in
  *fonts-noto-cjk*)
    echo "没有找到中文字体。请安装后重试："
    echo "  Debian/Ubuntu: sudo apt-get install fonts-noto-cjk"
    echo "  Fedora:        sudo dnf install google-noto-serif-cjk-fonts google-noto-sans-cjk-fonts"
    echo "  或在 kcdocs.toml 的 [fonts] paths 中指定放有中文字体文件的文件夹。"
    exit 1;;
  *) echo "提示：未安装 qpdf，测试将跳过 PDF 结构检查（sudo apt-get install qpdf）。";;
esac
