# talentcli task runner. `make run` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
WORK   := .run
# the demo workspace's signatory (synthetic, like the samples): talent.yaml `penandatangan`
DEMO_JABATAN := Kepala BKPSDM Kabupaten Serang
DEMO_NAMA    := Drs. Contoh Penanda Tangan, M.Si.
DEMO_NIP     := 19700101 199503 1 001

.PHONY: run test lint fmt bench faults samples messy clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

## run: set up, run the main job on the shipped samples, say where the output is
run: $(STAMP)
	@rm -rf $(WORK) && mkdir -p $(WORK)
	@cd $(WORK) && ../$(BIN)/talentcli init . --cycle 2026 \
		--instansi "Pemerintah Kabupaten Serang" --kota Serang >/dev/null
	@cd $(WORK) && sed -i.bak \
		-e '/^penandatangan:/,/^[^ ]/s/^  jabatan: ""/  jabatan: "$(DEMO_JABATAN)"/' \
		-e '/^penandatangan:/,/^[^ ]/s/^  nama: ""/  nama: "$(DEMO_NAMA)"/' \
		-e '/^penandatangan:/,/^[^ ]/s/^  nip: ""/  nip: "$(DEMO_NIP)"/' talent.yaml && rm talent.yaml.bak
	@cd $(WORK) && ../$(BIN)/talentcli import ../samples/pegawai-2026.xlsx \
		../samples/asesmen-2026.xlsx ../samples/kinerja.xlsx ../samples/formasi-2026.xlsx; \
		rc=$$?; test $$rc -le 1
	@cd $(WORK) && ../$(BIN)/talentcli import ../samples/kalibrasi-2026.xlsx; rc=$$?; test $$rc -le 1
	@cd $(WORK) && ../$(BIN)/talentcli classify --cycle 2026; rc=$$?; test $$rc -le 1
	@cd $(WORK) && ../$(BIN)/talentcli report --format xlsx,html,csv,json,md --out laporan
	@echo
	@echo "reports: $(WORK)/laporan/talenta-2026.xlsx  (workbook for the committee)"
	@echo "         $(WORK)/laporan/index.html  + rencana/<nip>.html (printable plans)"
	@echo "         $(WORK)/laporan/talenta-2026.json, *.csv, talenta-2026.md"
	@echo "store:   $(WORK)/talent.db    log: $(WORK)/logs/talentcli.log"
	@echo "try:     cd $(WORK) && ../$(BIN)/talentcli explain <NIP from the report>"

## test: lint, format check, the whole test suite
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: timings against the floor of each stage (not part of make test)
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

## faults: kill import/classify/report/run at random moments, check what is left (not in make test)
faults: $(STAMP)
	$(BIN)/python benchmarks/faults.py $(FAULTS_ARGS)

## samples: regenerate the committed 800-person samples and the messy files
samples: $(STAMP)
	$(BIN)/talentcli sample --n 800 --seed 2026 --cycle 2026 --out samples
	$(BIN)/python scripts/make_messy_samples.py

clean:
	rm -rf $(VENV) $(WORK) .pytest_cache .ruff_cache build *.egg-info
