/**
 * The usage & cost panel's browser entry. The panel itself (cards, charts, tables) arrives with
 * the panel issue; until then it shows that the panel has no data source yet.
 */
const root = document.getElementById('root');
if (root) root.textContent = 'Conduit usage & cost: the panel is not built yet.';
