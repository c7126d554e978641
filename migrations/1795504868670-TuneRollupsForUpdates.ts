import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Leaves free room in the rollup tables' pages. Every ledger flush updates the rows of the
 * current minute, hour and day of each (route, deployment, key) in place; with full pages an
 * update has to put the new row version on another page and add an entry to each of the
 * table's four indexes. With room on the same page it is a HOT update (no index entry, and the
 * old versions are pruned as the page is next read), which roughly halves the cost of the
 * rollup upserts and keeps the tables from bloating.
 *
 * Minute rows are hot for about a minute and then read-only, so their table keeps less room
 * than the hour and day tables, which are small and updated all hour or day long. Takes effect
 * for pages written from now on; the setting does not rewrite the table.
 */
export class TuneRollupsForUpdates1795504868670 implements MigrationInterface {
  name = 'TuneRollupsForUpdates1795504868670';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE call_rollups_minute SET (fillfactor = 70)`);
    await queryRunner.query(`ALTER TABLE call_rollups_hour SET (fillfactor = 50)`);
    await queryRunner.query(`ALTER TABLE call_rollups_day SET (fillfactor = 50)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE call_rollups_day RESET (fillfactor)`);
    await queryRunner.query(`ALTER TABLE call_rollups_hour RESET (fillfactor)`);
    await queryRunner.query(`ALTER TABLE call_rollups_minute RESET (fillfactor)`);
  }
}
