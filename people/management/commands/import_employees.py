from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from people.importer import ALL_COLUMNS, EmployeeImporter, ImportFileError


class Command(BaseCommand):
    help = (
        "Import employees from a CSV (UTF-8) or XLSX file. Columns: "
        + ", ".join(ALL_COLUMNS)
        + ". Re-importing updates employees by NIP."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid rows and report the invalid ones "
            "(default: import nothing if any row is invalid).",
        )
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, file: Path, skip_invalid: bool, batch_size: int, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        # The bar shows on a terminal only (tqdm turns itself off otherwise).
        with tqdm(unit=" rows", disable=None, file=self.stderr) as bar:
            stages: list[str] = []

            def progress(stage: str, n: int, total: int | None) -> None:
                if not stages or stages[-1] != stage:
                    stages.append(stage)
                    bar.reset(total=total)
                    bar.set_description(stage)
                bar.update(n)

            importer = EmployeeImporter(
                skip_invalid=skip_invalid, batch_size=batch_size, progress=progress
            )
            try:
                with file.open("rb") as fileobj:
                    result = importer.run(fileobj, file.name)
            except ImportFileError as exc:
                raise CommandError(f"{file.name}: {exc}") from None
        for error in result.errors:
            self.stderr.write(str(error))
        summary = (
            f"{result.rows} rows: {result.created} created, {result.updated} updated, "
            f"{result.skipped} skipped, {len(result.errors)} errors."
        )
        if result.errors and not skip_invalid:
            raise CommandError(
                f"{summary} Nothing was imported; fix the rows above or use --skip-invalid."
            )
        self.stdout.write(self.style.SUCCESS(summary))
