/** A product on the map: a link to its page with its name, owner and health, or a health-coloured tile from afar. */
import { useStore, type NodeProps } from '@xyflow/react';
import { memo, type ReactNode } from 'react';
import { Link, paths } from '../../router.js';
import { HealthBadge, healthLabel } from '../../ui/health.js';
import { productLabel, type ProductNodeType } from './flow-nodes.js';
import { selectDetailed } from './zoom.js';

function ProductNodeView({ data }: NodeProps<ProductNodeType>): ReactNode {
  const { product } = data;
  const detailed = useStore(selectDetailed);
  return (
    <Link
      to={paths.product(product.id)}
      className={`map-product map-product-${product.health}${detailed ? '' : ' is-tile'}`}
      data-product={product.id}
      data-health={product.health}
      // Up close the visible text names the link (what a speech user says matches what they see); a tile has none.
      aria-label={detailed ? undefined : productLabel(product)}
      title={detailed ? undefined : `${product.id} · ${product.owner.name} · ${healthLabel(product.health)}`}
      // A link is draggable by default: the drag must pan the map instead.
      draggable={false}
    >
      {detailed ? (
        <>
          <span className="map-product-name">{product.name}</span>
          <span className="map-product-meta">
            <span className="map-product-owner">{product.owner.name}</span>
            <HealthBadge health={product.health} />
          </span>
          <span className="visually-hidden">, {product.domain} domain</span>
        </>
      ) : null}
    </Link>
  );
}

export const ProductNode = memo(ProductNodeView);
