import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import { deliveryMetrics } from './deliveryMetrics';

/** The names and one-line definitions of the delivery metrics. */
export function DeliveryMetricList() {
  return (
    <List dense aria-label="Delivery metrics">
      {deliveryMetrics.map(metric => (
        <ListItem key={metric.id} disableGutters>
          <ListItemText primary={metric.title} secondary={metric.summary} />
        </ListItem>
      ))}
    </List>
  );
}
