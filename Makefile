# kcdocs — two commands on a fresh machine:
#   make demo   set up (virtual environment, package, CJK font) and run every command on samples/ into out/
#   make test   set up and run the tests
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
KCDOCS := $(BIN)/kcdocs

.PHONY: setup demo test bench clean wheelhouse

$(VENV)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test]'
	touch $@

setup: $(VENV)/.installed
	@sh tools/ensure_system_packages.sh $(BIN)/python

demo: setup
	mkdir -p out
	$(KCDOCS) notices enrollment samples/enrollment_roster.xlsx -o out/入学通知书.pdf --date 2020-08-01 --config samples/kcdocs.toml
	$(KCDOCS) notices return samples/return_roster.csv -o out/复学通知书.pdf --date 2020-05-10 --docx out/复学通知书_word --config samples/kcdocs.toml
	$(KCDOCS) notices return samples/return_roster.csv -o out/复学通知书_带回执.pdf --date 2020-05-10 --receipt --config samples/kcdocs.toml
	$(KCDOCS) forms persuasion-record samples/ledger.xlsx -o out/劝返复学工作记录表.pdf
	$(KCDOCS) forms application samples/ledger.xlsx -o out/书面申请.pdf
	$(KCDOCS) forms education-plan samples/ledger.xlsx -o out/个性化教育方案.pdf
	$(KCDOCS) forms criticism-record samples/ledger.xlsx -o out/批评教育记录.pdf
	$(KCDOCS) forms correction-order samples/ledger.xlsx -o out/责令限期改正通知书.pdf --date 2020-06-01 --config samples/kcdocs.toml
	$(KCDOCS) forms judicial-request samples/ledger.xlsx -o out/提请发放司法文书的函.pdf --date 2020-06-20 --config samples/kcdocs.toml
	$(KCDOCS) forms overdue-reminder samples/ledger.xlsx -o out/逾期未报到催报通知书.pdf --date 2020-06-01 --config samples/kcdocs.toml
	$(KCDOCS) template ledger -o out/控辍保学台账模板.xlsx
	$(KCDOCS) template roster -o out/名册模板.xlsx
	$(KCDOCS) report weekly samples/ledger.xlsx --week 2020-W20 -o out/周报.pdf --date 2020-05-19
	$(KCDOCS) report monthly samples/ledger.xlsx --month 2020-05 -o out/月报.pdf --date 2020-06-05 --docx out/月报_word
	# audit and reconcile exit 1 on the samples on purpose: they contain planted problems
	rm -rf out/audit
	$(KCDOCS) audit samples/ledger.xlsx samples/evidence -o out/audit --as-of 2020-06-15 || [ $$? -eq 1 ]
	$(KCDOCS) audit samples/messy/台账_含合计行.xlsx samples/messy/evidence -o out/audit_杂乱台账 --as-of 2020-06-15 || [ $$? -eq 1 ]
	rm -rf out/evidence_扫描演示 && cp -r samples/evidence out/evidence_扫描演示
	$(KCDOCS) ingest samples/scans/扫描仪输出_劝返记录.pdf --into out/evidence_扫描演示
	$(KCDOCS) audit samples/ledger.xlsx out/evidence_扫描演示 -o out/audit_扫描演示 --as-of 2020-06-15 || [ $$? -eq 1 ]
	$(KCDOCS) dossier samples/ledger.xlsx samples/evidence -o out/dossiers --as-of 2020-06-15 || [ $$? -eq 1 ]
	$(KCDOCS) verify out/dossiers samples/evidence
	$(KCDOCS) reconcile 公安=samples/reconcile/户籍名单_公安.xlsx 建档立卡=samples/reconcile/扶贫办_建档立卡.csv \
	  残疾=samples/reconcile/残联_残疾儿童.xlsx samples/reconcile/学籍_平台导出.xlsx \
	  -o out/底数比对.xlsx --as-of 2020-05-15 || [ $$? -eq 1 ]
	$(KCDOCS) notices enrollment samples/messy/名册_分班_含合计行.xlsx -o out/入学通知书_分班名册.pdf --date 2020-08-01 --unit 峄城区教育和体育局
	# review decisions from a workbook, one case fixed, a second audit (待复核 -> 完整, 已整改), the city's bulletin
	rm -rf out/evidence_复核演示 && cp -r samples/evidence out/evidence_复核演示
	$(KCDOCS) review export out/audit -o out/待复核.xlsx
	$(BIN)/python -m tools.make_review_demo fill out/待复核.xlsx
	$(KCDOCS) review apply out/待复核.xlsx --evidence out/evidence_复核演示
	$(BIN)/python -m tools.make_review_demo fix out/evidence_复核演示
	$(KCDOCS) audit samples/ledger.xlsx out/evidence_复核演示 -o out/audit --as-of 2020-06-29 || [ $$? -eq 1 ]
	$(KCDOCS) bulletin out/audit -o out/全市通报.pdf --xlsx out/全市通报.xlsx --date 2020-06-30
	# a phone photo of a signed persuasion record: filed by its QR, rectified and checked
	rm -rf out/evidence_手机照片 && cp -r samples/evidence out/evidence_手机照片
	$(KCDOCS) ingest samples/photos/IMG_20200612_093015.jpg --into out/evidence_手机照片
	$(KCDOCS) audit samples/ledger.xlsx out/evidence_手机照片 -o out/audit_手机照片 --as-of 2020-06-15 || [ $$? -eq 1 ]
	# unnamed scans and a phone photo of certificates, identified by OCR; one is about another child
	rm -rf out/evidence_文字识别 && cp -r samples/evidence out/evidence_文字识别 && cp -r samples/ocr/. out/evidence_文字识别/
	$(KCDOCS) audit samples/ledger.xlsx out/evidence_文字识别 -o out/audit_文字识别 --as-of 2020-06-15 || [ $$? -eq 1 ]
	@echo "完成：输出在 out/ 文件夹。"

test: setup
	@sh tools/ensure_system_packages.sh $(BIN)/python --browser
	$(BIN)/python -m pytest

# offline install for Windows PCs without internet: every wheel for win_amd64, Python 3.11-3.13, and the .bat files
wheelhouse: $(VENV)/.installed
	$(BIN)/python -m tools.wheelhouse -o dist/kcdocs_离线安装包

bench: setup
	$(BIN)/python bench/notices.py

clean:
	rm -rf out .pytest_cache
