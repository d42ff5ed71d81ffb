@echo off
REM ============================================================
REM kcdocs 离线安装（没有网络的 Windows 电脑）
REM 用本文件夹 wheels\ 中的安装包建立运行环境（venv 文件夹），
REM 全程不联网：pip install --no-index --find-links wheels。
REM
REM 事先准备：
REM   1. 安装 64 位 Python 3.11、3.12 或 3.13（在有网络的电脑上从 python.org 下载
REM      “Windows installer (64-bit)”，拷贝过来安装，安装时勾选“Add python.exe to PATH”）。
REM   2. 文字识别用的 onnxruntime 需要“Microsoft Visual C++ 运行库”（2019 或更新，
REM      文件名 vc_redist.x64.exe，微软网站免费下载）。多数电脑已经装有；
REM      本脚本最后会检查，缺少时会提示。
REM 运行：双击本文件。装好后双击“启动网页.bat”。
REM ============================================================
setlocal
cd /d "%~dp0"

REM 找一个合适的 Python：先用 py 启动器按版本找，再试 PATH 中的 python
set "PY="
for %%V in (3.13 3.12 3.11) do (
  if not defined PY (
    py -%%V-64 -c "import sys" >nul 2>&1 && set "PY=py -%%V-64"
  )
)
if not defined PY (
  python -c "import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 13) and sys.maxsize > 2**32 else 1)" >nul 2>&1 && set "PY=python"
)
if not defined PY (
  echo 没有找到 64 位的 Python 3.11、3.12 或 3.13。
  echo 请先安装 Python（安装时勾选“Add python.exe to PATH”），再双击本文件。
  pause
  exit /b 2
)

echo 正在建立运行环境（venv 文件夹），请稍候……
if not exist "%~dp0venv\Scripts\python.exe" (
  %PY% -m venv "%~dp0venv" || goto :fail
)
REM 只从 wheels 文件夹安装，不联网
"%~dp0venv\Scripts\python.exe" -m pip install --no-index --find-links "%~dp0wheels" --upgrade kcdocs || goto :fail

REM 检查文字识别（onnxruntime）能否加载：失败多半是缺少 Visual C++ 运行库
"%~dp0venv\Scripts\python.exe" -c "import onnxruntime" >nul 2>&1
if errorlevel 1 (
  echo.
  echo 注意：文字识别组件无法加载，多半是这台电脑缺少“Microsoft Visual C++ 运行库”。
  echo 请安装 vc_redist.x64.exe（2019 或更新版本，可在有网络的电脑上从微软网站下载后拷贝过来），
  echo 装好后无需重新运行本文件。其他功能不受影响。
)
echo.
"%~dp0venv\Scripts\kcdocs.exe" --version
echo 安装完成。以后双击“启动网页.bat”即可使用。
pause
exit /b 0

:fail
echo.
echo 安装没有完成，请把上面的提示拍照或复制，发给技术人员。
pause
exit /b 2
