import { Table, TableColumn } from '@backstage/core-components';
import { Release } from '@release-coordinator/backstage-plugin-common';
import { DateTime } from 'luxon';

const columns: TableColumn<Release>[] = [
  { title: 'Version', field: 'version', highlight: true },
  { title: 'Environment', field: 'environment' },
  { title: 'State', field: 'state' },
  { title: 'Created by', field: 'createdBy' },
  {
    title: 'Created',
    field: 'createdAt',
    render: release =>
      DateTime.fromISO(release.createdAt).toLocaleString(DateTime.DATETIME_MED),
  },
];

/** The releases of one entity, in the order the backend returns them (newest first). */
export function ReleasesTable(props: { releases: Release[] }) {
  return (
    <Table<Release>
      title="Releases"
      columns={columns}
      data={props.releases}
      options={{
        search: false,
        sorting: false,
        paging: props.releases.length > 20,
        pageSize: 20,
        padding: 'dense',
      }}
    />
  );
}
