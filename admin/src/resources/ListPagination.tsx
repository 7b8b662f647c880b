import { Typography } from '@mui/material';
import { Pagination, useListContext } from 'react-admin';

/** Paging as usual; above the server's exact-count threshold the total is the planner's estimate, and says so. */
export function ListPagination() {
  const { meta, total } = useListContext();
  return (
    <>
      <Pagination />
      {meta?.approximate && (
        <Typography variant="caption" color="text.secondary" sx={{ display: 'block', textAlign: 'right', pr: 2, pb: 1 }} data-testid="approximate-total">
          About {Number(total).toLocaleString()} records (an estimate: counting them all would slow every page down)
        </Typography>
      )}
    </>
  );
}
