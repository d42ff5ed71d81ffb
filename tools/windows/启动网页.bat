@echo off
REM ============================================================
REM 启动 kcdocs 网页版（只有本机能访问），并自动打开浏览器。
REM 使用期间不要关闭这个黑色窗口；关闭窗口即停止，生成的结果请及时下载。
REM 第一次使用前先双击“安装.bat”。
REM ============================================================
setlocal
cd /d "%~dp0"
if not exist "%~dp0venv\Scripts\kcdocs.exe" (
  echo 还没有安装，请先双击“安装.bat”。
  pause
  exit /b 2
)
echo 正在启动 kcdocs 网页版，浏览器会自动打开 http://127.0.0.1:8765/
echo 使用期间请不要关闭本窗口。
"%~dp0venv\Scripts\kcdocs.exe" serve --open
pause
