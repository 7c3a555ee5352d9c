import { Table, TableColumn } from '@backstage/core-components';
import { useTheme } from '@material-ui/core/styles';
import { Release } from '@release-coordinator/backstage-plugin-common';
import { ReleaseStateChip } from '../ReleaseStateChip';
import { Timestamp } from '../Timestamp';

const columns: TableColumn<Release>[] = [
  { title: 'Version', field: 'version', highlight: true },
  { title: 'Environment', field: 'environment' },
  {
    title: 'State',
    field: 'state',
    render: release => <ReleaseStateChip state={release.state} />,
  },
  { title: 'Created by', field: 'createdBy' },
  {
    title: 'Created',
    field: 'createdAt',
    render: release => <Timestamp iso={release.createdAt} />,
  },
];

/** Props of {@link ReleasesTable}. */
export interface ReleasesTableProps {
  /** The entity's releases, in the order the backend returns them (newest first). */
  releases: Release[];
  /** The release shown above the table, highlighted. */
  selectedReleaseId?: string;
  /** Called with the release of a clicked row. */
  onSelect?: (releaseId: string) => void;
}

/** The releases of one entity; clicking a row selects it. */
export function ReleasesTable(props: ReleasesTableProps) {
  const theme = useTheme();
  const { onSelect, selectedReleaseId } = props;
  return (
    <Table<Release>
      title="All releases"
      columns={columns}
      data={props.releases}
      onRowClick={
        onSelect
          ? (_event, release) => release && onSelect(release.id)
          : undefined
      }
      options={{
        search: false,
        sorting: false,
        paging: props.releases.length > 20,
        pageSize: 20,
        padding: 'dense',
        rowStyle: (release: Release) =>
          release.id === selectedReleaseId
            ? { backgroundColor: theme.palette.action.selected }
            : {},
      }}
    />
  );
}
