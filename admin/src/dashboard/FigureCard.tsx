import { Alert, Box, Card, CardContent, CircularProgress, Link, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { BarChart } from '@mui/x-charts/BarChart';
import { LineChart } from '@mui/x-charts/LineChart';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { useGetMany } from 'react-admin';
import { useNavigate } from 'react-router-dom';
import { represent } from '../data/meta';
import { API, httpClient } from '../data/http';
import { useMetaOf, usePerms } from '../data/use-meta';
import { aggregateQuery, chartModel, groupFilter, listHref, type Aggregate, type Figure } from './figure-data';
import { RecentActions } from './RecentActions';

/** Names the values of reference keys (a user id: their name) where the user may read them. */
function useKeyLabels(figure: Figure, aggregate: Aggregate | undefined) {
  const meta = useMetaOf(figure.resource);
  const perms = usePerms();
  const refs = (aggregate?.group ?? []).map((g) => meta?.fields.find((f) => f.name === g.key)?.reference ?? null);
  const index = refs.findIndex((r) => r && perms?.resources.some((p) => p.name === r.resource));
  const target = index >= 0 ? refs[index]! : null;
  const ids = target && aggregate ? [...new Set(aggregate.rows.map((r) => r.keys[index]).filter((v) => v !== null))] : [];
  const { data } = useGetMany(target?.resource ?? '', { ids: ids as (string | number)[] }, { enabled: !!target && ids.length > 0 });
  return (keyIndex: number, value: unknown): string => {
    if (value === null || value === undefined) return 'Not recorded';
    if (keyIndex === index && target) {
      const record = data?.find((r) => String(r.id) === String(value));
      return record ? represent(target.representation, record) : `#${value}`;
    }
    // A key naming a table (the audit log's table_name) reads as that table's label.
    return perms?.resources.find((r) => r.name === value)?.label ?? String(value);
  };
}

/** Narrower than this, the axes leave no room to draw in (the chart's margins and its y axis). */
const MIN_CHART_WIDTH = 160;

/**
 * The width a chart may draw at: its box's, measured, or null while the box is narrower than
 * MIN_CHART_WIDTH. The chart is given this width rather than measuring its box itself: left to
 * itself it drew at whatever width the box had while the page was still being laid out, and a box
 * narrower than its margins gave the drawing area's clip path a negative width.
 */
function useChartWidth() {
  const [width, setWidth] = useState<number | null>(null);
  // A ref callback's returned function runs when the box goes (React 19): the observer ends with it.
  const ref = useCallback((box: HTMLElement) => {
    const measure = (w: number) => setWidth(w >= MIN_CHART_WIDTH ? Math.floor(w) : null);
    measure(box.getBoundingClientRect().width);
    const observer = new ResizeObserver(([entry]) => measure(entry!.contentRect.width));
    observer.observe(box);
    return () => observer.disconnect();
  }, []);
  return [ref, width] as const;
}

function FigureBody({ figure, aggregate }: { figure: Figure; aggregate: Aggregate }) {
  const navigate = useNavigate();
  const meta = useMetaOf(figure.resource);
  const label = useKeyLabels(figure, aggregate);
  const [chartBox, chartWidth] = useChartWidth();
  const isField = (name: string) => !!meta?.fields.some((f) => f.name === name);
  if (figure.chart === 'number') {
    const count = aggregate.rows[0]?.count ?? 0;
    return (
      <Link href={listHref(figure.resource, figure.filter)} variant="h3" underline="hover" aria-label={`${count} — open the list of ${figure.title.toLowerCase()}`}>
        {count.toLocaleString()}
      </Link>
    );
  }
  if (aggregate.rows.length === 0) return <Typography color="text.secondary">Nothing to count yet.</Typography>;
  const model = chartModel(aggregate, label);
  const xLabels = model.x.map((v) => label(0, v));
  const open = (dataIndex: number, seriesId?: string | number) => {
    const keys = aggregate.group.length === 2 ? [model.x[dataIndex], aggregate.rows.find((r) => String(r.keys[1] ?? 'Not recorded') === String(seriesId))?.keys[1] ?? null] : [model.x[dataIndex]];
    navigate(listHref(figure.resource, groupFilter(figure, aggregate, keys, isField)).slice(1));
  };
  const series = model.series.map((s) => ({ id: s.id, label: s.label, data: s.data, ...(figure.chart === 'stacked-bars' ? { stack: 'total' } : {}) }));
  return (
    <>
      <Box ref={chartBox} role="img" aria-label={`${figure.title}: chart; the same figures are in the table below`} sx={{ minHeight: 260 }}>
        {chartWidth === null ? null : figure.chart === 'lines' ? (
          <LineChart width={chartWidth} height={260} xAxis={[{ scaleType: 'point', data: xLabels }]} series={series} />
        ) : (
          <BarChart width={chartWidth} height={260} xAxis={[{ scaleType: 'band', data: xLabels }]} series={series} onItemClick={(_e, item) => open(item.dataIndex, item.seriesId)} />
        )}
      </Box>
      <details>
        <summary>Figures as a table</summary>
        <Box sx={{ overflowX: 'auto', maxHeight: 320 }}>
          <Table size="small">
            <TableHead>
              <TableRow>
                {aggregate.group.map((g) => (
                  <TableCell key={g.key}>{g.label}</TableCell>
                ))}
                <TableCell align="right">Count</TableCell>
                {aggregate.sum.map((s) => (
                  <TableCell key={s.field} align="right">
                    {s.label}
                  </TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              {aggregate.rows.map((r) => (
                <TableRow key={r.keys.map(String).join('|')}>
                  {r.keys.map((k, i) => (
                    <TableCell key={i}>{label(i, k)}</TableCell>
                  ))}
                  <TableCell align="right">
                    <Link href={listHref(figure.resource, groupFilter(figure, aggregate, r.keys, isField))}>{r.count.toLocaleString()}</Link>
                  </TableCell>
                  {aggregate.sum.map((s) => (
                    <TableCell key={s.field} align="right">
                      {Number(r.sums[s.field]).toLocaleString(undefined, { style: 'currency', currency: 'USD' })}
                    </TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      </details>
    </>
  );
}

/** One declared figure: counted by the aggregate route within the user's reach, drawn, and linked to its list. */
export function FigureCard({ figure }: { figure: Figure }) {
  const query = aggregateQuery(figure);
  const { data, error, isPending } = useQuery({
    queryKey: ['aggregate', figure.resource, query],
    queryFn: async () => (await httpClient(`${API}/${figure.resource}/aggregate?${query}`)).json as Aggregate,
    enabled: figure.chart !== 'recent',
  });
  const headingId = `figure-${figure.id}`;
  return (
    <Card component="section" aria-labelledby={headingId} data-figure={figure.id} sx={{ height: '100%' }}>
      <CardContent>
        <Typography id={headingId} variant="h6" component="h3">
          {figure.title}
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
          {figure.description}{' '}
          {figure.chart !== 'number' && (
            <Link href={listHref(figure.resource, figure.filter)}>Open the list</Link>
          )}
        </Typography>
        {figure.chart === 'recent' ? (
          <RecentActions resource={figure.resource} />
        ) : error ? (
          <Alert severity="warning">{(error as Error).message}</Alert>
        ) : isPending || !data ? (
          <CircularProgress size={24} aria-label={`Counting ${figure.title.toLowerCase()}`} />
        ) : (
          <FigureBody figure={figure} aggregate={data} />
        )}
      </CardContent>
    </Card>
  );
}
