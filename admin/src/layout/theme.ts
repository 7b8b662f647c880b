import type { ThemeOptions } from '@mui/material';
import { defaultDarkTheme, defaultLightTheme } from 'react-admin';

/**
 * react-admin's themes with two changes for WCAG 2.2 AA: blues dark enough for white text and for
 * text on white (react-admin's #2196f3 gives 3.1:1, under the 4.5:1 required), and a focus ring that
 * shows on every control reached from the keyboard (3 px, offset, white on the app bar).
 */
const focusRing = (color: string): ThemeOptions['components'] => ({
  MuiButtonBase: {
    styleOverrides: {
      root: {
        '&.Mui-focusVisible': { outline: `3px solid ${color}`, outlineOffset: 2 },
        '.MuiAppBar-root &.Mui-focusVisible': { outlineColor: '#fff' },
      },
    },
  },
  MuiLink: { styleOverrides: { root: { '&:focus-visible': { outline: `3px solid ${color}`, outlineOffset: 2 } } } },
});

/**
 * Layout rules for every width from 360 px: a wide table scrolls inside its own box instead of
 * widening the page, tabs scroll, touch targets are at least 24 px.
 */
const layout: ThemeOptions['components'] = {
  // react-admin's components are themed by name too (RaLayout, RaList...); MUI's types do not list them.
  ...({
    // react-admin sizes the layout to fit its content (min-width: fit-content): a wide page then
    // widens the window instead of scrolling inside.
    RaLayout: { styleOverrides: { root: { minWidth: 0, '& .RaLayout-content': { minWidth: 0 } } } },
    RaShow: { styleOverrides: { root: { '& .RaShow-main': { minWidth: 0 }, '& .RaShow-card': { minWidth: 0, overflowX: 'auto' } } } },
    RaEdit: { styleOverrides: { root: { '& .RaEdit-main': { minWidth: 0 } } } },
    RaCreate: { styleOverrides: { root: { '& .RaCreate-main': { minWidth: 0 } } } },
    // No overflow on .RaList-content: the bulk-action bar slides up out of it, over the list's
    // toolbar; its width is only held to the page's.
    RaList: { styleOverrides: { root: { '& .RaList-main': { minWidth: 0, maxWidth: '100%' }, '& .RaList-content': { minWidth: 0, maxWidth: '100%' } } } },
    // A list wider than the window scrolls inside its card (the table only: the bulk-action bar
    // above it stays where it is), so the page itself never scrolls sideways.
    RaDatagrid: { styleOverrides: { root: { maxWidth: '100%', '& .RaDatagrid-tableWrapper': { overflowX: 'auto', maxWidth: '100%' } } } },
    // Toolbars wrap at every width: six list buttons need about 700 px, and the edit page's three
    // were drawn over each other at 600 px (react-admin's toolbar shrinks, it does not wrap). The
    // bulk-action bar still covers the list toolbar's last row while rows are selected.
    RaTopToolbar: { styleOverrides: { root: { flexWrap: 'wrap', minWidth: 0 } } },
    // Beside the list's buttons the filters give way first (react-admin shrinks both by their
    // widths, so the buttons wrapped onto two rows with room to spare).
    RaFilterForm: { styleOverrides: { root: { '&&': { flexShrink: 1000, minWidth: 'min(100%, 240px)' } } } },
    // The empty-list message was drawn at half opacity (2.3:1).
    RaEmpty: { styleOverrides: { root: { '&& .RaEmpty-message': { opacity: 1 } } } },
  } as object),
  // The reason under a locked field (disabled) stays readable: MUI greys it to 2.5:1.
  MuiFormHelperText: { styleOverrides: { root: ({ theme }: { theme: { palette: { text: { secondary: string } } } }) => ({ '&.Mui-disabled': { color: theme.palette.text.secondary } }) } },
  MuiTabs: { defaultProps: { variant: 'scrollable', scrollButtons: 'auto', allowScrollButtonsMobile: true } },
  MuiTableSortLabel: { styleOverrides: { root: { minHeight: 24, minWidth: 24 } } },
  MuiButton: { styleOverrides: { root: { minHeight: 32 } } },
};

export const lightTheme: ThemeOptions = {
  ...defaultLightTheme,
  palette: {
    ...defaultLightTheme.palette,
    primary: { main: '#1565c0', contrastText: '#fff' },
    secondary: { light: '#5e92f3', main: '#1565c0', dark: '#003c8f', contrastText: '#fff' },
    // Delete on the grey form toolbar: MUI's #d32f2f gives 3.9:1 there.
    error: { main: '#b3261e', contrastText: '#fff' },
  },
  components: { ...defaultLightTheme.components, ...layout, ...focusRing('#0b2e6b') },
};

export const darkTheme: ThemeOptions = {
  ...defaultDarkTheme,
  components: { ...defaultDarkTheme.components, ...layout, ...focusRing('#ffffff') },
};
